#!/usr/bin/env bash
# scripts/slurm-local.sh up|down|status|env — a real single-node Slurm on this machine, without systemd.
#
#   up      start munged (unless one already answers), write a private slurm.conf for this host, start
#           slurmctld and slurmd, wait until the node is idle. Already up: checks and returns 0.
#   down    cancel our jobs, stop slurmd and slurmctld (and munged, if `up` started it) by their pids,
#           remove the private directory. Already down: returns 0.
#   status  print daemons and node state; exit 0 when up, 3 when not.
#   env     print `export SLURM_CONF=...`: eval "$(scripts/slurm-local.sh env)" before sbatch/sinfo.
#
# Nothing under /etc/slurm is written: the config lives in $BERKELEY_SLURM_DIR (default /tmp/berkeley-slurm)
# and every daemon and client finds it through SLURM_CONF, so a machine's real Slurm config is never touched.
# Munge is the system one (/etc/munge/munge.key, socket in /run/munge), as the Debian package lays it out;
# the key is created only when missing. Needs root (munged runs as user munge, the daemons as root).
#
# Environment: BERKELEY_SLURM_DIR (state, config, logs, pids), BERKELEY_SLURM_CPUS (CPUs the node advertises,
# default 16 so that 4-16 tasks fit on a small machine), BERKELEY_SLURMCTLD_PORT / BERKELEY_SLURMD_PORT
# (default 6817 / 6818), BERKELEY_SLURM_WAIT (seconds to wait for each step, default 30).
#
# Several nodes on one machine (scripts/netlab.sh slurm-up sets these; see docs/netlab.md):
#   BERKELEY_SLURM_NODES         "NAME=ADDR NAME=ADDR ...": one slurmd per node, the controller on the first
#                                (default: this host at 127.0.0.1, the single node above)
#   BERKELEY_SLURM_ENTER         a command that runs a command on a node: `$BERKELEY_SLURM_ENTER NAME CMD...`
#                                (e.g. "scripts/netlab.sh exec"); the daemons start, and Slurm's commands run,
#                                through it
#   BERKELEY_SLURM_MUNGE_SOCKET  a munged of this Slurm's own on that socket (started and stopped here), so that
#                                no other Slurm's munged is shared, or stopped under it
# With more than one node, every node reads its own config directory (node/NAME: the same slurm.conf, and an
# mpi.conf whose PMIxCliTmpDirBase is the node's own: the nodes share /tmp, where PMIx's per-step directories
# would collide), and slurmd's spool, pid and log files carry the node's name (%n). That mpi.conf also says
# PMIxCollFence=ring: Slurm 22.05's PMIx "tree" fence is no barrier in a step on fewer nodes than TreeWidth (50)
# (each node is a root without children and releases its own ranks at once), so Open MPI's barrier at the end
# of MPI_Init held nobody back and a rank could be sent to before it was ready to receive (a segfault in
# MPI_Init: 1 of 60 sbatch -N 3 jobs here; 0 of 84 with the ring fence, which waits for every node).
# docs/netlab.md has the evidence.
#
# Settings are those measured in /work/shared/ENVIRONMENT.md: the cgroup plugins fail silently here (jobs
# "complete" with exit 0, write nothing, and drain the node), so proctrack/linuxproc and task/none.
set -euo pipefail

readonly SLURM_DIR="${BERKELEY_SLURM_DIR:-/tmp/berkeley-slurm}"
readonly CONF="${SLURM_DIR}/slurm.conf"
readonly MARKER="${SLURM_DIR}/.berkeley-slurm-local"
readonly CPUS="${BERKELEY_SLURM_CPUS:-16}"
readonly CTLD_PORT="${BERKELEY_SLURMCTLD_PORT:-6817}"
readonly SLURMD_PORT="${BERKELEY_SLURMD_PORT:-6818}"
readonly WAIT_S="${BERKELEY_SLURM_WAIT:-30}"
readonly MUNGE_KEY=/etc/munge/munge.key
readonly MUNGE_RUN=/run/munge
readonly MUNGE_PID="${MUNGE_RUN}/munged.pid"
readonly MUNGE_OURS="${SLURM_DIR}/munged.started-here"
readonly MUNGE_SOCKET="${BERKELEY_SLURM_MUNGE_SOCKET:-}"
# a munged of our own (BERKELEY_SLURM_MUNGE_SOCKET) keeps its pid, log and seed beside its socket
readonly OWN_MUNGE_DIR="${MUNGE_SOCKET%/*}"
read -ra ENTER <<<"${BERKELEY_SLURM_ENTER:-}"
read -ra NODE_SPECS <<<"${BERKELEY_SLURM_NODES:-$(hostname -s)=127.0.0.1}"
NODES=()
ADDRS=()
for spec in "${NODE_SPECS[@]}"; do
  if ! [[ "${spec}" =~ ^([A-Za-z0-9_.-]+)=([0-9.]+)$ ]]; then
    printf 'slurm-local: error: BERKELEY_SLURM_NODES: "%s" is not NAME=ADDR\n' "${spec}" >&2
    exit 2
  fi
  NODES+=("${BASH_REMATCH[1]}")
  ADDRS+=("${BASH_REMATCH[2]}")
done
readonly NODES ADDRS
# the controller's node
readonly NODE="${NODES[0]}"
MULTI=
((${#NODES[@]} == 1)) || MULTI=1
readonly MULTI

export SLURM_CONF="${CONF}"

say() { printf 'slurm-local: %s\n' "$*"; }
die() {
  printf 'slurm-local: error: %s\n' "$*" >&2
  exit 1
}

# Last lines of a log, to stderr, so a failure explains itself.
show_log() {
  if [[ -s "$1" ]]; then
    printf -- '--- last lines of %s ---\n' "$1" >&2
    tail -n 15 "$1" >&2
  fi
}

# Runs a command on a node (through BERKELEY_SLURM_ENTER), or here.
on_node() {
  local node=$1
  shift
  if ((${#ENTER[@]} > 0)); then "${ENTER[@]}" "${node}" "$@"; else "$@"; fi
}
# Slurm's commands run where the controller is reachable: on its node.
client() { on_node "${NODE}" "$@"; }

# The files of node $1: its slurmd's pid file and log, and the slurm.conf it reads (with several nodes, in a
# directory of its own, beside that node's mpi.conf).
slurmd_pidfile() { if [[ -n "${MULTI}" ]]; then echo "${SLURM_DIR}/slurmd.$1.pid"; else echo "${SLURM_DIR}/slurmd.pid"; fi; }
slurmd_log() { if [[ -n "${MULTI}" ]]; then echo "${SLURM_DIR}/slurmd.$1.log"; else echo "${SLURM_DIR}/slurmd.log"; fi; }
node_conf() { if [[ -n "${MULTI}" ]]; then echo "${SLURM_DIR}/node/$1/slurm.conf"; else echo "${CONF}"; fi; }

# pid from a pid file if that process is alive and is the expected program, else nothing.
live_pid() {
  local pidfile=$1 name=$2 pid comm
  [[ -r "${pidfile}" ]] || return 1
  pid="$(tr -dc '0-9' <"${pidfile}")"
  [[ -n "${pid}" ]] || return 1
  comm="$(cat "/proc/${pid}/comm" 2>/dev/null)" || return 1
  [[ "${comm}" == "${name}" ]] || return 1
  printf '%s\n' "${pid}"
}

# Poll a check until it succeeds, at most $1 seconds. Every check below bounds its own commands with `timeout`.
wait_for() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.3
  done
  return 1
}

# something already listens on this loopback port of node $2 (another Slurm?)
port_in_use() { on_node "$2" timeout 2 bash -c ": >/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

munge_socket=()
[[ -z "${MUNGE_SOCKET}" ]] || munge_socket=("--socket=${MUNGE_SOCKET}")
munge_works() {
  timeout 5 munge "${munge_socket[@]}" -n </dev/null 2>/dev/null | timeout 5 unmunge "${munge_socket[@]}" >/dev/null 2>&1
}
# our own slurmctld is alive and answers (not some other controller on the same port)
ctld_ready() {
  live_pid "${SLURM_DIR}/slurmctld.pid" slurmctld >/dev/null && client timeout 10 scontrol ping >/dev/null 2>&1
}
no_jobs_left() { [[ -z "$(client timeout 10 squeue -h -o '%i' 2>/dev/null)" ]]; }

# State of node $1 as sinfo prints it (idle, idle*, mix, alloc, drain, down*, ...), or nothing.
node_state() { client timeout 10 sinfo -h -n "$1" -o '%t' 2>/dev/null | head -n 1; }
node_is_idle() { live_pid "$(slurmd_pidfile "$1")" slurmd >/dev/null && [[ "$(node_state "$1")" == idle ]]; }
# the slurmd of node $1 has registered with the controller since $2 (restored controller state can say "idle"
# before that)
slurmd_registered_since() {
  local started
  started="$(client timeout 10 scontrol show node "$1" 2>/dev/null | grep -o 'SlurmdStartTime=[^ ]*' | cut -d= -f2)"
  [[ -n "${started}" && ! "${started}" < "$2" ]]
}
node_is_usable() { [[ "$(node_state "$1")" =~ ^(idle|mix|alloc|comp)$ ]]; }

require_tools() {
  local missing=() tool
  for tool in munged munge unmunge slurmctld slurmd sinfo scontrol squeue scancel sbatch srun timeout runuser; do
    command -v "${tool}" >/dev/null 2>&1 || missing+=("${tool}")
  done
  ((${#missing[@]} == 0)) ||
    die "missing: ${missing[*]} — install with scripts/install-slurm.sh (apt: slurmctld slurmd slurm-client munge)"
  [[ ${EUID} -eq 0 ]] || die "must run as root (munged runs as user munge, slurmctld/slurmd as root)"
}

create_munge_key() {
  [[ ! -s "${MUNGE_KEY}" ]] || return 0
  say "munge: creating ${MUNGE_KEY}"
  install -d -o munge -g munge -m 0700 /etc/munge
  if command -v mungekey >/dev/null 2>&1; then
    runuser -u munge -- mungekey --create --keyfile="${MUNGE_KEY}"
  else
    (umask 077 && dd if=/dev/urandom of="${MUNGE_KEY}" bs=1 count=1024 status=none)
    chown munge:munge "${MUNGE_KEY}"
  fi
  chmod 0400 "${MUNGE_KEY}"
}

# A munged of this Slurm's own on BERKELEY_SLURM_MUNGE_SOCKET, with the machine's key.
start_own_munge() {
  if live_pid "${OWN_MUNGE_DIR}/munged.pid" munged >/dev/null && munge_works; then
    say "munge: our munged already answering on ${MUNGE_SOCKET}"
    return 0
  fi
  create_munge_key
  # munged wants its socket's directory to be its own and writable by nobody else
  install -d -o munge -g munge -m 0755 "${OWN_MUNGE_DIR}"
  say "munge: starting a munged of our own on ${MUNGE_SOCKET}"
  if ! timeout "${WAIT_S}" runuser -u munge -- munged --socket="${MUNGE_SOCKET}" \
    --pid-file="${OWN_MUNGE_DIR}/munged.pid" --log-file="${OWN_MUNGE_DIR}/munged.log" \
    --seed-file="${OWN_MUNGE_DIR}/munged.seed"; then
    show_log "${OWN_MUNGE_DIR}/munged.log"
    die "munged (socket ${MUNGE_SOCKET}) did not start"
  fi
  wait_for "${WAIT_S}" munge_works || {
    show_log "${OWN_MUNGE_DIR}/munged.log"
    die "munged started but 'munge -n | unmunge' on ${MUNGE_SOCKET} fails after ${WAIT_S}s"
  }
}

start_munge() {
  if [[ -n "${MUNGE_SOCKET}" ]]; then
    start_own_munge
    return 0
  fi
  if munge_works; then
    say "munge: already answering"
    return 0
  fi
  create_munge_key
  install -d -o munge -g munge -m 0755 "${MUNGE_RUN}"
  install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
  say "munge: starting munged as user munge"
  if ! timeout "${WAIT_S}" runuser -u munge -- munged; then
    show_log /var/log/munge/munged.log
    die "munged did not start"
  fi
  wait_for "${WAIT_S}" munge_works || {
    show_log /var/log/munge/munged.log
    die "munged started but 'munge -n | unmunge' fails after ${WAIT_S}s"
  }
  : >"${MUNGE_OURS}"
}

write_conf() {
  local tmp="${CONF}.new" auth_info="# munge: the machine's munged (its default socket)" node_lines="" i
  [[ -z "${MUNGE_SOCKET}" ]] || auth_info="AuthInfo=socket=${MUNGE_SOCKET}"
  local spool="${SLURM_DIR}/spool" pidfile="${SLURM_DIR}/slurmd.pid" logfile="${SLURM_DIR}/slurmd.log"
  if [[ -n "${MULTI}" ]]; then
    # %n is the node's name: the nodes, all on this machine, keep their files apart
    spool="${SLURM_DIR}/spool/%n" pidfile="${SLURM_DIR}/slurmd.%n.pid" logfile="${SLURM_DIR}/slurmd.%n.log"
  fi
  for ((i = 0; i < ${#NODES[@]}; i++)); do
    node_lines+="NodeName=${NODES[i]} NodeAddr=${ADDRS[i]} CPUs=${CPUS} State=UNKNOWN"$'\n'
  done
  local partition_nodes
  partition_nodes="$(
    IFS=,
    echo "${NODES[*]}"
  )"
  cat >"${tmp}" <<EOF
# Written by scripts/slurm-local.sh: a Slurm of ${#NODES[@]} node(s) for tests. Do not edit; \`down\` removes it.
ClusterName=berkeley
SlurmctldHost=${NODE}(${ADDRS[0]})
SlurmctldPort=${CTLD_PORT}
SlurmdPort=${SLURMD_PORT}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
${auth_info}
StateSaveLocation=${SLURM_DIR}/state
SlurmdSpoolDir=${spool}
SlurmctldPidFile=${SLURM_DIR}/slurmctld.pid
SlurmdPidFile=${pidfile}
SlurmctldLogFile=${SLURM_DIR}/slurmctld.log
SlurmdLogFile=${logfile}
PlugStackConfig=${SLURM_DIR}/plugstack.conf
# no mail from test jobs (the default /bin/mail is usually not installed)
MailProg=/bin/true
# cgroup plugins fail silently on this kind of machine (no systemd, no delegated cgroup)
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
# a job larger than the partition is rejected at submission instead of pending forever
EnforcePartLimits=ALL
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
# the node advertises more CPUs than the machine has, so 4-16 ranks fit on a 2-core runner
SlurmdParameters=config_overrides
ReturnToService=2
# finished jobs stay visible to \`scontrol show job\` (no slurmdbd, so no sacct) for this long
MinJobAge=600
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
InactiveLimit=0
KillWait=5
SlurmctldTimeout=30
SlurmdTimeout=30
${node_lines}PartitionName=debug Nodes=${partition_nodes} Default=YES MaxTime=60 State=UP
EOF
  mv -f "${tmp}" "${CONF}"
  : >"${SLURM_DIR}/plugstack.conf"
  [[ -n "${MULTI}" ]] || return 0
  local node
  for node in "${NODES[@]}"; do
    install -d -m 0755 "${SLURM_DIR}/node/${node}" "${SLURM_DIR}/pmix/${node}"
    cp -f "${CONF}" "${SLURM_DIR}/node/${node}/slurm.conf"
    # PMIxCollFence=ring: every fence through the ring. The default (mixed) sends fences without data, such as
    # Open MPI's barrier at the end of MPI_Init, through the tree, and with fewer nodes than TreeWidth Slurm
    # 22.05 builds no tree (reverse_tree_info: width > nodes), so each node completed that barrier alone.
    cat >"${SLURM_DIR}/node/${node}/mpi.conf" <<EOF
# Written by scripts/slurm-local.sh for node ${node}.
# The PMIx directories of this node, apart from the others' (all nodes share /tmp):
PMIxCliTmpDirBase=${SLURM_DIR}/pmix/${node}
# Every fence a barrier across the nodes (the tree fence is node-local when the step has fewer nodes than
# TreeWidth; docs/netlab.md):
PMIxCollFence=ring
EOF
  done
}

start_slurmctld() {
  if live_pid "${SLURM_DIR}/slurmctld.pid" slurmctld >/dev/null; then
    say "slurmctld: already running"
  else
    port_in_use "${CTLD_PORT}" "${NODE}" &&
      die "port ${CTLD_PORT} is in use (another slurmctld?): stop it, or set BERKELEY_SLURMCTLD_PORT"
    say "slurmctld: starting on ${NODE}"
    # fresh state directory: -c (start clean, no noise about missing state files);
    # otherwise -i (ignore state left unreadable by an unclean stop)
    local state_flag=-i
    [[ -e "${SLURM_DIR}/state/node_state" ]] || state_flag=-c
    on_node "${NODE}" timeout "${WAIT_S}" slurmctld "${state_flag}" -f "${CONF}" || {
      show_log "${SLURM_DIR}/slurmctld.log"
      die "slurmctld failed to start"
    }
  fi
  wait_for "${WAIT_S}" ctld_ready || {
    show_log "${SLURM_DIR}/slurmctld.log"
    die "slurmctld not running or not answering 'scontrol ping' after ${WAIT_S}s" \
      "(port ${CTLD_PORT} taken by another Slurm? set BERKELEY_SLURMCTLD_PORT)"
  }
}

# the slurmd of node $1, started on that node under that name
start_slurmd() {
  local node=$1 started_at
  if live_pid "$(slurmd_pidfile "${node}")" slurmd >/dev/null; then
    say "slurmd ${node}: already running"
  else
    started_at="$(date -d '-1 second' +%FT%T)"
    port_in_use "${SLURMD_PORT}" "${node}" &&
      die "port ${SLURMD_PORT} is in use on ${node} (another slurmd?): stop it, or set BERKELEY_SLURMD_PORT"
    say "slurmd ${node}: starting"
    on_node "${node}" timeout "${WAIT_S}" slurmd -f "$(node_conf "${node}")" -N "${node}" || {
      show_log "$(slurmd_log "${node}")"
      die "slurmd ${node} failed to start"
    }
    wait_for "${WAIT_S}" slurmd_registered_since "${node}" "${started_at}" || {
      show_log "$(slurmd_log "${node}")"
      die "slurmd ${node} did not register with slurmctld within ${WAIT_S}s"
    }
  fi
}

wait_node_idle() {
  local node=$1 state
  state="$(node_state "${node}")"
  # a node drained by an earlier failure stays drained across restarts: give it back
  if [[ "${state}" =~ ^(drain|drng|drain\*|down|down\*|fail)$ ]]; then
    say "node ${node} is ${state}: resuming it"
    client timeout 10 scontrol update NodeName="${node}" State=RESUME >/dev/null 2>&1 || true
  fi
  if live_pid "$(slurmd_pidfile "${node}")" slurmd >/dev/null && node_is_usable "${node}"; then
    return 0
  fi
  wait_for "${WAIT_S}" node_is_idle "${node}" || {
    show_log "$(slurmd_log "${node}")"
    show_log "${SLURM_DIR}/slurmctld.log"
    die "node ${node} not idle after ${WAIT_S}s (state: '$(node_state "${node}")'; slurmd" \
      "$(live_pid "$(slurmd_pidfile "${node}")" slurmd >/dev/null && echo running || echo 'not running')" \
      "- port ${SLURMD_PORT} taken? set BERKELEY_SLURMD_PORT)"
  }
}

cmd_up() {
  require_tools
  # `down` deletes this directory: never adopt one that holds anything else
  if [[ -d "${SLURM_DIR}" && ! -e "${MARKER}" && -n "$(ls -A "${SLURM_DIR}")" ]]; then
    die "${SLURM_DIR} exists and is not ours (no ${MARKER##*/}): choose another BERKELEY_SLURM_DIR"
  fi
  install -d -m 0755 "${SLURM_DIR}"
  : >"${MARKER}"
  install -d -m 0755 "${SLURM_DIR}/state" "${SLURM_DIR}/spool"
  start_munge
  # keep the config of running daemons; a new one only when starting from scratch
  if ! live_pid "${SLURM_DIR}/slurmctld.pid" slurmctld >/dev/null || [[ ! -s "${CONF}" ]]; then
    write_conf
  fi
  start_slurmctld
  local node
  for node in "${NODES[@]}"; do start_slurmd "${node}"; done
  for node in "${NODES[@]}"; do wait_node_idle "${node}"; done
  for node in "${NODES[@]}"; do say "up: node ${node} $(node_state "${node}"), ${CPUS} CPUs advertised"; done
  say "up: config ${CONF}"
  if ((${#ENTER[@]} > 0)); then
    say "the controller answers on ${NODE} only: run sbatch/sinfo there (${ENTER[*]} ${NODE} ...)"
  else
    say "for sbatch/sinfo in your shell: export SLURM_CONF=${CONF}"
  fi
}

# Send TERM to daemons by pid (each takes ~2 s to go: all at once), wait (bounded) for them, KILL the rest.
# Arguments: pairs of pid file and program name.
stop_daemons() {
  local pids=() pid deadline
  while (($# >= 2)); do
    if pid="$(live_pid "$1" "$2")"; then
      say "$2: stopping pid ${pid}"
      kill -TERM "${pid}" 2>/dev/null || true
      pids+=("${pid}")
    else
      say "$2: not running"
    fi
    shift 2
  done
  deadline=$((SECONDS + WAIT_S))
  for pid in "${pids[@]}"; do
    while kill -0 "${pid}" 2>/dev/null && ((SECONDS < deadline)); do
      sleep 0.1
    done
    if kill -0 "${pid}" 2>/dev/null; then
      say "pid ${pid} still alive after ${WAIT_S}s, sending KILL"
      kill -KILL "${pid}" 2>/dev/null || true
    fi
  done
}

cmd_down() {
  if [[ ! -e "${MARKER}" ]]; then
    say "down: nothing to stop (no ${MARKER})"
    return 0
  fi
  [[ ${EUID} -eq 0 ]] || die "must run as root"
  if live_pid "${SLURM_DIR}/slurmctld.pid" slurmctld >/dev/null; then
    # jobs first, so no job step outlives its slurmd
    local jobs
    jobs="$(client timeout 10 squeue -h -o '%i' 2>/dev/null | tr '\n' ' ')" || true
    if [[ -n "${jobs// /}" ]]; then
      say "cancelling jobs: ${jobs}"
      # shellcheck disable=SC2086 # job ids are split on purpose
      client timeout 10 scancel ${jobs} >/dev/null 2>&1 || true
      wait_for 15 no_jobs_left || say "jobs still listed; stopping anyway"
    fi
  fi
  local daemons=() node
  for node in "${NODES[@]}"; do daemons+=("$(slurmd_pidfile "${node}")" slurmd); done
  daemons+=("${SLURM_DIR}/slurmctld.pid" slurmctld)
  if [[ -n "${MUNGE_SOCKET}" ]]; then
    daemons+=("${OWN_MUNGE_DIR}/munged.pid" munged)
  elif [[ -e "${MUNGE_OURS}" ]]; then
    daemons+=("${MUNGE_PID}" munged)
  else
    say "munged: not started by us, left running"
  fi
  stop_daemons "${daemons[@]}"
  # only what `up` and the daemons put there; the directory itself goes only if that leaves it empty
  rm -rf -- "${SLURM_DIR:?}/state" "${SLURM_DIR:?}/spool" "${SLURM_DIR:?}/node" "${SLURM_DIR:?}/pmix"
  [[ -z "${MUNGE_SOCKET}" ]] || rm -rf -- "${OWN_MUNGE_DIR:?}"
  for node in "${NODES[@]}"; do rm -f -- "$(slurmd_pidfile "${node}")" "$(slurmd_log "${node}")"; done
  rm -f -- "${CONF}" "${CONF}.new" "${SLURM_DIR}/plugstack.conf" "${SLURM_DIR}"/slurmctld.{pid,log} \
    "${MUNGE_OURS}" "${MARKER}"
  rmdir -- "${SLURM_DIR}" 2>/dev/null || say "down: kept ${SLURM_DIR} (holds other files)"
  say "down: cleaned ${SLURM_DIR}"
}

# status line of one daemon: running or not (returns 3 when not)
daemon_status() {
  local label=$1 pidfile=$2 program=$3 pid
  if pid="$(live_pid "${pidfile}" "${program}")"; then
    say "${label}: running, pid ${pid}"
  else
    say "${label}: not running"
    return 3
  fi
}

cmd_status() {
  local up=0 node
  daemon_status slurmctld "${SLURM_DIR}/slurmctld.pid" slurmctld || up=3
  for node in "${NODES[@]}"; do
    daemon_status "slurmd${MULTI:+ ${node}}" "$(slurmd_pidfile "${node}")" slurmd || up=3
  done
  if munge_works; then say "munge: answering"; else
    say "munge: not answering"
    up=3
  fi
  if ((up == 0)); then
    client timeout 10 sinfo -N -o '%N %P %t %c' || up=3
  fi
  say "config: ${CONF}"
  return "${up}"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) printf 'export SLURM_CONF=%q\n' "${CONF}" ;;
  *)
    printf 'usage: %s up|down|status|env\n' "${0##*/}" >&2
    exit 2
    ;;
esac
