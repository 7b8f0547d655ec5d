#!/usr/bin/env bash
# scripts/netlab.sh — a cluster on one machine: N "hosts" bm1..bmN, each a network namespace with its own
# address, hostname and network stack, joined by a Linux bridge. All of them share the kernel, hence one
# CLOCK_MONOTONIC: the truth about every clock stays known. Run `scripts/netlab.sh --help`; docs/netlab.md.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

readonly PROG=netlab
readonly LAB_DIR="${BERKELEY_NETLAB_DIR:-/run/berkeley-netlab}"
readonly MARKER="${LAB_DIR}/.berkeley-netlab"
readonly LOCK_FILE=/run/lock/berkeley-netlab.lock
readonly BRIDGE=bmlab0
readonly VETH_PREFIX=bmlab- # root-side end of host bmK's link: bmlab-bmK; the end inside bmK is eth0
readonly HOSTS_TAG="# berkeley-netlab"
readonly HOST_PREFIX=bm
readonly MAX_HOSTS=32
readonly DEFAULT_SUBNET="${BERKELEY_NETLAB_SUBNET:-10.77.0.0/24}"
readonly MPIRUN_TIMEOUT_S="${BERKELEY_NETLAB_TIMEOUT:-120}"
readonly SLOTS="${BERKELEY_NETLAB_SLOTS:-2}"
readonly SLURM_DIR="${LAB_DIR}/slurm"

# exit codes (also in --help)
readonly EXIT_FAILED=1 EXIT_USAGE=2 EXIT_NOT_UP=3 EXIT_NOT_ROOT=4 EXIT_NO_NETNS=5 EXIT_CONFLICT=6

usage() {
  cat <<EOF
Usage: scripts/netlab.sh COMMAND [ARGS]

A cluster on one machine: hosts bm1..bmN, each a network namespace with its own address in one lab subnet,
its own hostname (UTS namespace) and a veth link into the bridge ${BRIDGE}. Every host shares the kernel, so
CLOCK_MONOTONIC is one clock for all of them: the truth about every clock stays measurable. Needs root.

Commands:
  up N [--subnet CIDR]      create hosts bm1..bmN at addresses .1 ... .N of CIDR (default ${DEFAULT_SUBNET}),
                            and /etc/hosts lines for them (tagged '${HOSTS_TAG}'). Already up with the same N
                            and subnet: says so, exit 0. Refuses a subnet the machine already routes or uses.
  down                      stop every process inside the lab (and its Slurm), delete namespaces, links,
                            qdiscs, bridge, hosts lines and ${LAB_DIR}. Nothing up: exit 0.
  status                    what exists; exit 0 when the lab is up, 3 when not (or only partly).
  exec HOST CMD...          run CMD inside HOST (its network namespace, hostname HOST).
  mpirun [ARGS...]          Open MPI's mpirun, run inside bm1, its daemons started on the other hosts by an
                            rsh agent that enters their namespaces; TCP only over the lab subnet. Without
                            --host/--hostfile: --host bm1:${SLOTS},...,bmN:${SLOTS}. Bounded by
                            BERKELEY_NETLAB_TIMEOUT seconds (${MPIRUN_TIMEOUT_S}); nothing it started outlives it.
  link HOST --egress-rate RATE [--burst BYTES] [--limit BYTES]
  link HOST --ingress-rate RATE [--burst BYTES] [--limit BYTES]
  link HOST --clear         a tbf shaper on ONE direction of HOST's link: egress = what HOST sends, ingress =
                            what it receives (RATE as tc takes it: 1mbit, 500kbit). See "Links" below.
  measure FROM TO [--count N] [--gap-ms MS] [--size BYTES]
                            one-way delays FROM->TO and TO->FROM of small UDP packets (exact: both ends read
                            the one CLOCK_MONOTONIC), back-to-back exchanges and isolated ones.
  hog HOST [SECONDS]        a bounded CPU hog (stress-ng --cpu 1, default 60 s) inside HOST: a noisy neighbour.
  slurm-up                  Slurm across the hosts: slurmctld and a slurmd on bm1, a slurmd on every other host
                            (scripts/slurm-local.sh with the nodes of this lab, its own munged, dir ${SLURM_DIR}).
  slurm-down                stop that Slurm (down does it too).
  slurm CMD...              run a Slurm command (sbatch, squeue, scontrol...) on bm1 against that Slurm, with the
                            Open MPI variables a job across the hosts needs.

Links: netem is not in this kernel; tbf is. tbf sends a packet at once while its bucket holds enough tokens
(--burst, default 1600 bytes: at least one full frame, or larger packets would be dropped), then at RATE: a
packet of L bytes waits L/RATE behind an empty bucket (100 bytes at 1mbit: 0.8 ms). So an isolated packet is
not delayed; a sustained exchange (a ping-pong, a poll train) is, in that direction only.

Environment: BERKELEY_NETLAB_SUBNET (default subnet), BERKELEY_NETLAB_DIR (state, default /run/berkeley-netlab),
BERKELEY_NETLAB_TIMEOUT (mpirun's bound, s), BERKELEY_NETLAB_SLOTS (default slots per host, 2),
BERKELEY_NETLAB_OWNER (a tag stored by up, shown by status: who brought the lab up).

Exit codes: 0 ok; 1 failed; 2 bad command line; 3 lab not up (status, exec, mpirun, link...); 4 not root;
5 network namespaces unavailable (or a tool missing); 6 conflict (subnet in use, a lab of another size or
subnet, a name taken); mpirun/exec: the command's own (124 when mpirun hit its time bound).

Examples:
  scripts/netlab.sh up 3
  scripts/netlab.sh mpirun -np 6 build/berkeley_mpi --method tree --json /tmp/r.json
  scripts/netlab.sh link bm2 --egress-rate 1mbit && scripts/netlab.sh measure bm2 bm1
  scripts/netlab.sh exec bm1 build/berkeley_master 4 --bind 10.77.0.1 &
  scripts/netlab.sh exec bm2 build/berkeley_client --id 1 --host 10.77.0.1
  scripts/netlab.sh hog bm3 30
  scripts/netlab.sh slurm-up && scripts/netlab.sh slurm sbatch -N 3 --ntasks-per-node=2 jobs/slurm.sh --method tree
  scripts/netlab.sh down
EOF
}

say() { printf '%s: %s\n' "${PROG}" "$*"; }
die() {
  local code=$1
  shift
  printf '%s: error: %s\n' "${PROG}" "$*" >&2
  exit "${code}"
}

# ---- addresses -------------------------------------------------------------------------------------------

ip_to_int() {
  local IFS=. a b c d
  read -r a b c d <<<"$1"
  printf '%s\n' $(((a << 24) | (b << 16) | (c << 8) | d))
}
int_to_ip() { printf '%s.%s.%s.%s\n' $((($1 >> 24) & 255)) $((($1 >> 16) & 255)) $((($1 >> 8) & 255)) $(($1 & 255)); }
prefix_mask() { printf '%s\n' $((($1 == 0) ? 0 : ((0xffffffff << (32 - $1)) & 0xffffffff))); }

valid_cidr() {
  [[ "$1" =~ ^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})/([1-9][0-9]?)$ ]] || return 1
  local i
  for i in 1 2 3 4; do ((BASH_REMATCH[i] <= 255)) || return 1; done
  ((BASH_REMATCH[5] >= 8 && BASH_REMATCH[5] <= 30))
}

# Do prefixes A/p and B/q overlap? (arguments: "a.b.c.d/p" "e.f.g.h/q"; a bare address is a /32)
overlaps() {
  local a=${1%/*} p=32 b=${2%/*} q=32
  [[ "$1" == */* ]] && p=${1#*/}
  [[ "$2" == */* ]] && q=${2#*/}
  local shorter=$((p < q ? p : q)) mask
  mask=$(prefix_mask "${shorter}")
  (($(($(ip_to_int "${a}") & mask)) == $(($(ip_to_int "${b}") & mask))))
}

# the network address of CIDR, as an integer
network_int() {
  local mask
  mask=$(prefix_mask "${1#*/}")
  printf '%s\n' $(($(ip_to_int "${1%/*}") & mask))
}
host_address() { int_to_ip $(($(network_int "$1") + $2)); } # CIDR K -> address of bmK
prefix_len() { printf '%s\n' "${1#*/}"; }

# Who already routes or holds addresses in CIDR: the root namespace's routes (all tables, the default route
# aside) and addresses, and the addresses in every other named namespace. Prints one line per finding.
subnet_users() {
  local cidr=$1 line prefix ns
  local words
  while read -r line; do
    read -ra words <<<"${line}"
    prefix=${words[0]:-}
    case "${prefix}" in
      local | broadcast | unicast | unreachable | blackhole | prohibit | throw | anycast | multicast | nat) prefix=${words[1]:-} ;;
    esac
    [[ "${prefix}" == default ]] && continue
    [[ "${prefix}" =~ ^[0-9.]+(/[0-9]+)?$ ]] || continue
    overlaps "${cidr}" "${prefix}" && printf 'route: %s\n' "${line}"
  done < <(ip -4 -o route show table all 2>/dev/null)
  while read -r _ dev _ prefix _; do
    overlaps "${cidr}" "${prefix}" && printf 'address: %s on %s\n' "${prefix}" "${dev}"
  done < <(ip -4 -o addr show 2>/dev/null)
  while read -r ns _; do
    [[ -n "${ns}" ]] || continue
    while read -r _ dev _ prefix _; do
      overlaps "${cidr}" "${prefix}" && printf 'address: %s on %s in namespace %s\n' "${prefix}" "${dev}" "${ns}"
    done < <(ip -n "${ns}" -4 -o addr show 2>/dev/null)
  done < <(ip netns list 2>/dev/null)
  return 0
}

# ---- checks ----------------------------------------------------------------------------------------------

require_root() { [[ ${EUID} -eq 0 ]] || die "${EXIT_NOT_ROOT}" "must run as root (network namespaces, links, /etc/hosts)"; }

require_tools() {
  local missing=() tool
  for tool in ip tc nsenter unshare setsid timeout flock; do
    command -v "${tool}" >/dev/null 2>&1 || missing+=("${tool}")
  done
  ((${#missing[@]} == 0)) || die "${EXIT_NO_NETNS}" "missing: ${missing[*]} (apt: iproute2 util-linux coreutils)"
}

# Network namespaces work here: create and delete a throwaway one (a container may forbid it).
require_netns() {
  local probe="bmlab-probe-$$" error
  if ! error=$(ip netns add "${probe}" 2>&1); then
    ip netns delete "${probe}" >/dev/null 2>&1 || true
    die "${EXIT_NO_NETNS}" "network namespaces are not available here ('ip netns add' failed: ${error})"
  fi
  if ! error=$(nsenter --net="/run/netns/${probe}" -- unshare --uts -- true 2>&1); then
    ip netns delete "${probe}" >/dev/null 2>&1 || true
    die "${EXIT_NO_NETNS}" "cannot enter a network namespace with its own hostname (nsenter/unshare --uts: ${error})"
  fi
  ip netns delete "${probe}"
}

# One change to the lab at a time (up, down, link, hog, slurm-up/down); the lock file stays (it holds nothing).
# Whatever outlives the command (a hog, Slurm's daemons) is started with fd 9 closed, or it would hold the lock.
take_lock() {
  exec 9>"${LOCK_FILE}"
  flock -w 120 9 || die "${EXIT_FAILED}" "another netlab command holds ${LOCK_FILE} for 120 s"
}

lab_exists() { [[ -e "${MARKER}" ]]; }
lab_hosts() { cat "${LAB_DIR}/hosts"; }
lab_subnet() { cat "${LAB_DIR}/subnet"; }
lab_names() {
  local n k
  n=$(lab_hosts)
  for ((k = 1; k <= n; k++)); do printf '%s%s\n' "${HOST_PREFIX}" "${k}"; done
}

# Every host's namespace and link exists (the whole lab is there).
lab_complete() {
  lab_exists || return 1
  ip link show "${BRIDGE}" >/dev/null 2>&1 || return 1
  local name
  for name in $(lab_names); do
    [[ -e "/run/netns/${name}" ]] || return 1
    ip link show "${VETH_PREFIX}${name}" >/dev/null 2>&1 || return 1
  done
}

require_up() {
  lab_complete || die "${EXIT_NOT_UP}" "the lab is not up (scripts/netlab.sh up N)"
}

require_host() {
  require_up
  local names
  names="$(lab_names | paste -sd ' ')"
  if ! [[ "$1" =~ ^${HOST_PREFIX}[0-9]+$ && -e "/run/netns/$1" && " ${names} " == *" $1 "* ]]; then
    die "${EXIT_USAGE}" "'$1' is not a host of the lab (${names})"
  fi
}

# ---- entering a host ---------------------------------------------------------------------------------------

# Runs CMD inside HOST: its network namespace, a UTS namespace of its own named HOST. nsenter, not
# `ip netns exec`: the latter also remounts /sys, where slurmd then finds no cgroup hierarchy.
enter_host() {
  local host=$1
  shift
  # shellcheck disable=SC2016 # expanded by that shell
  exec nsenter --net="/run/netns/${host}" -- unshare --uts -- /bin/sh -c 'hostname "$0" && exec "$@"' "${host}" "$@"
}

# The rsh agent Open MPI's mpirun calls as `AGENT HOST COMMAND...` (as it would call ssh): the words of
# COMMAND form one shell command line (Open MPI quotes for that), run inside HOST with HOST as hostname.
write_agent() {
  cat >"${LAB_DIR}/agent.new" <<'EOF'
#!/bin/sh
# Written by scripts/netlab.sh up: Open MPI's rsh agent for the lab ("AGENT HOST COMMAND...", like ssh).
host=$1
shift
case ${host} in
  '' | *[!A-Za-z0-9_.-]*) echo "netlab agent: bad host name '${host}'" >&2; exit 255 ;;
esac
if [ ! -e "/run/netns/${host}" ]; then
  echo "netlab agent: '${host}' is not a host of the lab (no /run/netns/${host})" >&2
  exit 255
fi
exec nsenter --net="/run/netns/${host}" -- unshare --uts -- /bin/sh -c 'hostname "$1" && exec /bin/sh -c "$2"' \
  netlab-agent "${host}" "$*"
EOF
  chmod 0755 "${LAB_DIR}/agent.new"
  mv -f "${LAB_DIR}/agent.new" "${LAB_DIR}/agent"
}

# ---- processes ---------------------------------------------------------------------------------------------

lab_pids() {
  local name
  for name in "$@"; do
    [[ -e "/run/netns/${name}" ]] && ip netns pids "${name}" 2>/dev/null
  done | sort -un
  return 0
}

describe_pids() {
  local pid
  for pid in "$@"; do
    printf '%s(%s) ' "${pid}" "$(cat "/proc/${pid}/comm" 2>/dev/null || echo gone)"
  done
}

# TERM every process inside the given hosts, wait (bounded) for them, KILL what is left; repeated while new
# ones appear (a dying mpirun may still start something). Fails only if processes survive KILL.
kill_lab_processes() {
  local pids round deadline
  for round in 1 2 3; do
    mapfile -t pids < <(lab_pids "$@")
    ((${#pids[@]} == 0)) && return 0
    say "stopping processes in the lab: $(describe_pids "${pids[@]}")"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    deadline=$((SECONDS + 5))
    while ((SECONDS < deadline)) && [[ -n "$(lab_pids "$@")" ]]; do sleep 0.1; done
    mapfile -t pids < <(lab_pids "$@")
    if ((${#pids[@]} > 0)); then
      say "still alive after TERM (round ${round}), sending KILL: $(describe_pids "${pids[@]}")"
      kill -KILL "${pids[@]}" 2>/dev/null || true
      deadline=$((SECONDS + 5))
      while ((SECONDS < deadline)) && [[ -n "$(lab_pids "$@")" ]]; do sleep 0.1; done
    fi
  done
  mapfile -t pids < <(lab_pids "$@")
  ((${#pids[@]} == 0)) || {
    say "processes survive KILL: $(describe_pids "${pids[@]}")"
    return 1
  }
}

# The processes of session SID (field 6 of /proc/PID/stat, after the command name).
session_pids() {
  local stat pid rest
  for stat in /proc/[0-9]*/stat; do
    pid=${stat#/proc/}
    pid=${pid%/stat}
    rest=$(cat "${stat}" 2>/dev/null) || continue
    rest=${rest##*) }
    read -r _ _ _ sid _ <<<"${rest}"
    [[ "${sid}" == "$1" ]] && printf '%s\n' "${pid}"
  done
  return 0
}

# The processes inside the lab whose environment holds VAR=VALUE ($1): those of one launch, wherever they went
# (Open MPI's daemons leave the launch's session: orted --daemonize).
marked_pids() {
  local pid names environ
  mapfile -t names < <(lab_names)
  for pid in $(lab_pids "${names[@]}"); do
    environ=$(tr '\0' '\n' <"/proc/${pid}/environ" 2>/dev/null) || continue
    [[ $'\n'"${environ}"$'\n' == *$'\n'"$1"$'\n'* ]] && printf '%s\n' "${pid}"
  done
  return 0
}

# term_then_kill GRACE WHAT LISTER ARGS...: TERM the processes `LISTER ARGS...` prints (one pid a line), KILL
# those still listed after GRACE seconds; says what it found (after WHAT).
term_then_kill() {
  local grace=$1 what=$2 pids deadline
  shift 2
  mapfile -t pids < <("$@")
  ((${#pids[@]} == 0)) && return 0
  say "${what}: $(describe_pids "${pids[@]}")"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  deadline=$((SECONDS + grace))
  while ((SECONDS < deadline)) && [[ -n "$("$@")" ]]; do sleep 0.1; done
  mapfile -t pids < <("$@")
  ((${#pids[@]} == 0)) || kill -KILL "${pids[@]}" 2>/dev/null || true
}

# The processes of one launch still inside the lab (found by their mark), and what is left of session SID.
stop_marked() { lab_exists && term_then_kill "$2" "left behind in the lab, stopping" marked_pids "$1" || true; }
stop_session() { term_then_kill "$2" "left behind, stopping" session_pids "$1"; }

# Runs a command in a session of its own, bounded by `timeout`; on the way out (done, failed, interrupted) every
# process of that session still there is stopped. Returns the command's exit status.
SESSION_PID=
run_bounded() {
  local seconds=$1
  shift
  setsid timeout --kill-after=10 "${seconds}" "$@" &
  SESSION_PID=$!
  # shellcheck disable=SC2016 # expanded when the cleanup runs
  at_exit '[[ -z "${SESSION_PID}" ]] || { kill -TERM "${SESSION_PID}" 2>/dev/null; stop_session "${SESSION_PID}" 5; }'
  local status=0
  wait "${SESSION_PID}" || status=$?
  stop_session "${SESSION_PID}" 5
  SESSION_PID=
  return "${status}"
}

# ---- /etc/hosts --------------------------------------------------------------------------------------------

# /etc/hosts is rewritten in place (not renamed over: in a container it is often a bind mount).
remove_hosts_lines() {
  [[ -f /etc/hosts ]] || return 0
  grep -q -- "${HOSTS_TAG}\$" /etc/hosts || return 0
  local kept
  kept=$(grep -v -- "${HOSTS_TAG}\$" /etc/hosts || true)
  printf '%s\n' "${kept}" >/etc/hosts
}

add_hosts_lines() {
  local subnet=$1 n=$2 k
  {
    for ((k = 1; k <= n; k++)); do
      printf '%s\t%s%s\t%s\n' "$(host_address "${subnet}" "${k}")" "${HOST_PREFIX}" "${k}" "${HOSTS_TAG}"
    done
  } >>/etc/hosts
}

# A bmK name in /etc/hosts that is not ours: using it would send traffic elsewhere.
foreign_hosts_names() {
  local n=$1
  grep -v -- "${HOSTS_TAG}\$" /etc/hosts 2>/dev/null | grep -E "(^|[[:space:]])${HOST_PREFIX}([1-9]|[1-9][0-9])([[:space:]]|\$)" |
    awk -v n="${n}" -v p="${HOST_PREFIX}" '{ for (i = 2; i <= NF; i++) { if ($i ~ /^#/) break;
      if ($i ~ "^" p "[0-9]+$" && substr($i, length(p) + 1) + 0 <= n) print $0 } }' || true
}

# ---- up / down / status ------------------------------------------------------------------------------------

cmd_up() {
  local n="" subnet="${DEFAULT_SUBNET}"
  while (($# > 0)); do
    case "$1" in
      --subnet)
        (($# >= 2)) || die "${EXIT_USAGE}" "--subnet needs a CIDR (e.g. 10.77.0.0/24)"
        subnet=$2
        shift 2
        ;;
      --subnet=*)
        subnet=${1#--subnet=}
        shift
        ;;
      -*) die "${EXIT_USAGE}" "up: unknown option '$1'" ;;
      *)
        [[ -z "${n}" ]] || die "${EXIT_USAGE}" "up: one host count only ('$1')"
        n=$1
        shift
        ;;
    esac
  done
  if ! [[ "${n}" =~ ^[0-9]+$ ]] || ((n < 1 || n > MAX_HOSTS)); then
    die "${EXIT_USAGE}" "up: the host count must be 1..${MAX_HOSTS}, not '${n}'"
  fi
  valid_cidr "${subnet}" || die "${EXIT_USAGE}" "up: '${subnet}' is not an IPv4 CIDR with a prefix of 8..30 bits"
  local network
  network=$(int_to_ip "$(network_int "${subnet}")")
  subnet="${network}/$(prefix_len "${subnet}")"
  (((1 << (32 - $(prefix_len "${subnet}"))) - 2 >= n)) || die "${EXIT_USAGE}" "up: ${subnet} has no room for ${n} hosts"

  require_root
  require_tools
  take_lock

  if lab_exists; then
    if [[ "$(lab_hosts)" != "${n}" || "$(lab_subnet)" != "${subnet}" ]]; then
      die "${EXIT_CONFLICT}" "a lab of $(lab_hosts) host(s) on $(lab_subnet) is up (owner: $(cat "${LAB_DIR}/owner" 2>/dev/null || echo '?')); bring it down first: scripts/netlab.sh down"
    fi
    lab_complete || die "${EXIT_CONFLICT}" "a lab of ${n} host(s) on ${subnet} is only partly up; scripts/netlab.sh down, then up"
    say "already up: ${n} host(s) on ${subnet} (nothing changed)"
    return 0
  fi
  if [[ -d "${LAB_DIR}" ]] && [[ -n "$(ls -A "${LAB_DIR}")" ]]; then
    die "${EXIT_CONFLICT}" "${LAB_DIR} exists and is not a lab's (no ${MARKER##*/}): set BERKELEY_NETLAB_DIR or remove it"
  fi
  require_netns

  # nothing of ours may exist without our state, and nothing of anybody else's may use our names or subnet
  local k name problems=()
  ip link show "${BRIDGE}" >/dev/null 2>&1 && problems+=("link ${BRIDGE} exists")
  for ((k = 1; k <= n; k++)); do
    name="${HOST_PREFIX}${k}"
    [[ -e "/run/netns/${name}" ]] && problems+=("namespace ${name} exists")
    ip link show "${VETH_PREFIX}${name}" >/dev/null 2>&1 && problems+=("link ${VETH_PREFIX}${name} exists")
  done
  local users
  users=$(subnet_users "${subnet}")
  [[ -z "${users}" ]] || problems+=("subnet ${subnet} is in use here: ${users//$'\n'/; }")
  users=$(foreign_hosts_names "${n}")
  [[ -z "${users}" ]] || problems+=("/etc/hosts already names ${HOST_PREFIX}1..${HOST_PREFIX}${n} (not our lines): ${users//$'\n'/; }")
  ((${#problems[@]} == 0)) || die "${EXIT_CONFLICT}" "refusing to start: ${problems[*]}"

  # the state first, so that `down` finds whatever a failed `up` leaves; and a failed up cleans up itself
  install -d -m 0755 "${LAB_DIR}"
  : >"${MARKER}"
  printf '%s\n' "${n}" >"${LAB_DIR}/hosts"
  printf '%s\n' "${subnet}" >"${LAB_DIR}/subnet"
  printf '%s\n' "${BERKELEY_NETLAB_OWNER:-$(id -un)@pid$$}" >"${LAB_DIR}/owner"
  UP_DONE= # read by the cleanup below
  # shellcheck disable=SC2016 # expanded when the cleanup runs
  at_exit '[[ -n "${UP_DONE}" ]] || { say "up failed: taking down what it built"; teardown; }'

  say "up: ${n} host(s) on ${subnet}, bridge ${BRIDGE}"
  ip link add "${BRIDGE}" type bridge
  # no IPv6 on the lab's links: no router solicitations or DAD chatter, IPv4 only
  disable_ipv6 "${BRIDGE}"
  ip link set "${BRIDGE}" up
  local address
  for ((k = 1; k <= n; k++)); do
    name="${HOST_PREFIX}${k}"
    address=$(host_address "${subnet}" "${k}")
    ip netns add "${name}"
    ip link add "${VETH_PREFIX}${name}" type veth peer name eth0 netns "${name}"
    disable_ipv6 "${VETH_PREFIX}${name}"
    ip link set "${VETH_PREFIX}${name}" master "${BRIDGE}"
    ip link set "${VETH_PREFIX}${name}" up
    # shellcheck disable=SC2016 # expanded by that shell
    nsenter --net="/run/netns/${name}" -- sh -c 'for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do echo 1 >"$f"; done' 2>/dev/null || true
    ip -n "${name}" link set lo up
    ip -n "${name}" addr add "${address}/$(prefix_len "${subnet}")" dev eth0
    ip -n "${name}" link set eth0 up
    say "  ${name}: ${address} (namespace ${name}, link ${VETH_PREFIX}${name} <-> eth0)"
  done
  write_agent
  add_hosts_lines "${subnet}" "${n}"
  wait_links_up "${n}" || die "${EXIT_FAILED}" "the links of the lab did not come up within 10 s"
  # shellcheck disable=SC2034 # read by the cleanup armed above
  UP_DONE=1
  say "up: done; scripts/netlab.sh status shows it, scripts/netlab.sh down removes it"
}

disable_ipv6() {
  local file="/proc/sys/net/ipv6/conf/$1/disable_ipv6"
  [[ -w "${file}" ]] && echo 1 >"${file}"
  return 0
}

# eth0 of every host reports carrier (the bridge forwards at once: no STP)
wait_links_up() {
  local deadline=$((SECONDS + 10)) k ok
  while ((SECONDS < deadline)); do
    ok=1
    for ((k = 1; k <= $1; k++)); do
      [[ "$(ip -n "${HOST_PREFIX}${k}" -br link show eth0 2>/dev/null)" == *LOWER_UP* ]] || ok=
    done
    [[ -n "${ok}" ]] && return 0
    sleep 0.1
  done
  return 1
}

# Everything `up` (and link, hog, slurm-up) may have made; each step tolerates its object being absent.
teardown() {
  local names=() name link
  if lab_exists && [[ -s "${LAB_DIR}/hosts" ]]; then mapfile -t names < <(lab_names); fi
  # links into the bridge name hosts too (a lab whose state was lost)
  while read -r link; do
    name=${link#"${VETH_PREFIX}"}
    name=${name%%@*}
    [[ " ${names[*]} " == *" ${name} "* ]] || names+=("${name}")
  done < <(ip -o link show master "${BRIDGE}" 2>/dev/null | awk -F': ' '{print $2}')
  if [[ -e "${SLURM_DIR}/.berkeley-slurm-local" ]]; then
    slurm_local down || say "slurm-down failed; its processes are stopped below"
  fi
  local failed=
  kill_lab_processes "${names[@]}" || failed=1
  # the root-side end first (that deletes the pair at once; a namespace's deletion takes its end along later)
  for name in "${names[@]}"; do
    ip link delete "${VETH_PREFIX}${name}" 2>/dev/null || true
    if ip link show "${VETH_PREFIX}${name}" >/dev/null 2>&1; then
      say "link ${VETH_PREFIX}${name} could not be deleted"
      failed=1
    fi
    if [[ -e "/run/netns/${name}" ]]; then
      ip netns delete "${name}" || failed=1
    fi
  done
  if ip link show "${BRIDGE}" >/dev/null 2>&1; then
    ip link delete "${BRIDGE}" || failed=1
  fi
  remove_hosts_lines || failed=1
  if [[ -d "${LAB_DIR}" ]]; then
    if [[ -e "${MARKER}" ]]; then rm -rf -- "${LAB_DIR:?}"; else say "kept ${LAB_DIR}: not a lab's (no marker)"; fi
  fi
  [[ -z "${failed}" ]]
}

cmd_down() {
  (($# == 0)) || die "${EXIT_USAGE}" "down takes no arguments"
  if ! lab_exists && ! ip link show "${BRIDGE}" >/dev/null 2>&1 && ! grep -q -- "${HOSTS_TAG}\$" /etc/hosts 2>/dev/null; then
    say "down: nothing to do (no lab)"
    return 0
  fi
  require_root
  take_lock
  say "down: stopping the lab${LAB_DIR:+ (${LAB_DIR})}"
  teardown || die "${EXIT_FAILED}" "down: something could not be removed (see above)"
  say "down: nothing left"
}

cmd_status() {
  (($# == 0)) || die "${EXIT_USAGE}" "status takes no arguments"
  if ! lab_exists; then
    say "not up (no ${MARKER})"
    ip link show "${BRIDGE}" >/dev/null 2>&1 && say "but link ${BRIDGE} exists: scripts/netlab.sh down removes it"
    grep -q -- "${HOSTS_TAG}\$" /etc/hosts 2>/dev/null && say "but /etc/hosts has lab lines: scripts/netlab.sh down removes them"
    return "${EXIT_NOT_UP}"
  fi
  local name pids qdisc
  say "lab: $(lab_hosts) host(s) on $(lab_subnet), state ${LAB_DIR}, owner $(cat "${LAB_DIR}/owner" 2>/dev/null || echo '?')"
  if ip link show "${BRIDGE}" >/dev/null 2>&1; then say "bridge ${BRIDGE}: present"; else say "bridge ${BRIDGE}: MISSING"; fi
  for name in $(lab_names); do
    if [[ ! -e "/run/netns/${name}" ]]; then
      say "${name}: namespace MISSING"
      continue
    fi
    say "${name}: $(ip -n "${name}" -4 -o addr show dev eth0 2>/dev/null | awk '{print $4}' | tr '\n' ' ')" \
      "link $(ip -br link show "${VETH_PREFIX}${name}" 2>/dev/null | awk '{print $1, $2}' || echo MISSING)"
    for qdisc in "$(tc qdisc show dev "${VETH_PREFIX}${name}" 2>/dev/null | grep tbf || true)" \
      "$(tc -n "${name}" qdisc show dev eth0 2>/dev/null | grep tbf || true)"; do
      [[ -z "${qdisc}" ]] || say "  shaped: ${qdisc}"
    done
    mapfile -t pids < <(lab_pids "${name}")
    ((${#pids[@]} == 0)) || say "  processes: $(describe_pids "${pids[@]}")"
  done
  say "/etc/hosts: $(grep -c -- "${HOSTS_TAG}\$" /etc/hosts || true) lab line(s)"
  if [[ -e "${SLURM_DIR}/.berkeley-slurm-local" ]]; then say "slurm: state in ${SLURM_DIR} (scripts/netlab.sh slurm sinfo)"; fi
  lab_complete || {
    say "only partly up: scripts/netlab.sh down, then up"
    return "${EXIT_NOT_UP}"
  }
}

# ---- exec / mpirun -----------------------------------------------------------------------------------------

cmd_exec() {
  (($# >= 2)) || die "${EXIT_USAGE}" "usage: exec HOST CMD..."
  require_root
  require_host "$1"
  enter_host "$@"
}

# true when the mpirun arguments already say where to run
names_hosts() {
  local arg
  for arg in "$@"; do
    case "${arg}" in
      --host | -host | -H | --hostfile | -hostfile | --machinefile | -machinefile | --default-hostfile | \
        --host=* | --hostfile=* | --machinefile=*) return 0 ;;
    esac
  done
  return 1
}

cmd_mpirun() {
  require_root
  require_up
  command -v mpirun >/dev/null 2>&1 || die "${EXIT_NO_NETNS}" "mpirun not found (apt: openmpi-bin)"
  if ! [[ "${MPIRUN_TIMEOUT_S}" =~ ^[0-9]+$ ]] || ((MPIRUN_TIMEOUT_S == 0)); then
    die "${EXIT_USAGE}" "BERKELEY_NETLAB_TIMEOUT must be a positive number of seconds, not '${MPIRUN_TIMEOUT_S}'"
  fi
  local subnet hosts=() name
  subnet=$(lab_subnet)
  if ! names_hosts "$@"; then
    for name in $(lab_names); do hosts+=("${name}:${SLOTS}"); done
    set -- --host "$(
      IFS=,
      echo "${hosts[*]}"
    )" "$@"
  fi
  # TCP between hosts over the lab subnet only; shared memory within a host; daemons started by the agent,
  # each directly from mpirun (no tree spawn through other hosts' daemons)
  # shellcheck disable=SC2054 # the commas belong to the value
  local mca=(--mca plm_rsh_agent "${LAB_DIR}/agent" --mca plm_rsh_no_tree_spawn 1
    --mca oob_tcp_if_include "${subnet}" --mca btl_tcp_if_include "${subnet}" --mca btl self,tcp,vader)
  # Every host of the lab shares this machine's cores, so the placement a program sees (2 ranks on a host of
  # 2 cores) hides that 6 ranks share them: Open MPI must yield inside MPI calls (a choice of the user's,
  # which the programs keep; export OMPI_MCA_mpi_yield_when_idle=0 to try otherwise).
  export OMPI_MCA_mpi_yield_when_idle="${OMPI_MCA_mpi_yield_when_idle:-1}"
  # lib.sh exported the run-as-root and oversubscription variables; they reach every daemon and rank
  # (the agent runs the daemons as our own children, with our environment). So does a mark of this launch:
  # the daemons leave our session (orted --daemonize), the mark finds them (and their ranks) afterwards.
  export BERKELEY_NETLAB_LAUNCH="mpirun-$$-${EPOCHREALTIME/./}"
  # shellcheck disable=SC2016 # expanded when the cleanup runs
  at_exit 'stop_marked "BERKELEY_NETLAB_LAUNCH=${BERKELEY_NETLAB_LAUNCH}" 5'
  local status=0
  # shellcheck disable=SC2016 # expanded by that shell
  run_bounded "${MPIRUN_TIMEOUT_S}" nsenter --net="/run/netns/${HOST_PREFIX}1" -- unshare --uts -- \
    /bin/sh -c 'hostname "$0" && exec "$@"' "${HOST_PREFIX}1" mpirun "${mca[@]}" "$@" || status=$?
  if ((status == 124 || status == 137)); then
    say "mpirun: no exit within ${MPIRUN_TIMEOUT_S} s (BERKELEY_NETLAB_TIMEOUT); stopped"
  fi
  # what mpirun leaves when it ends (its daemons take a moment to go after an orderly end)
  local deadline=$((SECONDS + 3))
  while ((SECONDS < deadline)) && [[ -n "$(marked_pids "BERKELEY_NETLAB_LAUNCH=${BERKELEY_NETLAB_LAUNCH}")" ]]; do
    sleep 0.1
  done
  stop_marked "BERKELEY_NETLAB_LAUNCH=${BERKELEY_NETLAB_LAUNCH}" 5
  return "${status}"
}

# ---- links -------------------------------------------------------------------------------------------------

cmd_link() {
  (($# >= 2)) || die "${EXIT_USAGE}" "usage: link HOST --egress-rate RATE | --ingress-rate RATE | --clear"
  local host=$1 direction="" rate="" burst=1600 limit=262144
  shift
  while (($# > 0)); do
    case "$1" in
      --egress-rate | --ingress-rate)
        (($# >= 2)) || die "${EXIT_USAGE}" "$1 needs a rate (e.g. 1mbit)"
        [[ -z "${direction}" ]] || die "${EXIT_USAGE}" "one direction per call (shape the other with a second call)"
        direction=${1#--}
        direction=${direction%-rate}
        rate=$2
        shift 2
        ;;
      --burst | --limit)
        if (($# < 2)) || ! [[ "$2" =~ ^[0-9]+$ ]]; then die "${EXIT_USAGE}" "$1 needs a number of bytes"; fi
        if [[ "$1" == --burst ]]; then burst=$2; else limit=$2; fi
        shift 2
        ;;
      --clear)
        [[ -z "${direction}" ]] || die "${EXIT_USAGE}" "--clear takes no rate"
        direction=clear
        shift
        ;;
      *) die "${EXIT_USAGE}" "link: unknown argument '$1'" ;;
    esac
  done
  [[ -n "${direction}" ]] || die "${EXIT_USAGE}" "link: give --egress-rate RATE, --ingress-rate RATE or --clear"
  [[ "${direction}" == clear || "${rate}" =~ ^[0-9]+(\.[0-9]+)?([kmgt]?(bit|bps))$ ]] ||
    die "${EXIT_USAGE}" "link: rate '${rate}' is not a tc rate (e.g. 500kbit, 1mbit)"
  ((burst >= 1600)) || die "${EXIT_USAGE}" "link: --burst ${burst} is below one full frame (1600 bytes): tbf would drop larger packets"
  require_root
  require_host "${host}"
  take_lock
  # egress of HOST = its eth0 (inside); ingress of HOST = egress of the root-side end towards it
  local egress=(tc -n "${host}" qdisc) ingress=(tc qdisc) egress_dev=eth0 ingress_dev="${VETH_PREFIX}${host}"
  case "${direction}" in
    clear)
      "${egress[@]}" del dev "${egress_dev}" root 2>/dev/null || true
      "${ingress[@]}" del dev "${ingress_dev}" root 2>/dev/null || true
      say "link ${host}: both directions unshaped"
      ;;
    egress)
      "${egress[@]}" replace dev "${egress_dev}" root tbf rate "${rate}" burst "${burst}" limit "${limit}"
      say "link ${host}: what ${host} sends is shaped to ${rate} (tbf burst ${burst} B, queue ${limit} B)"
      ;;
    ingress)
      "${ingress[@]}" replace dev "${ingress_dev}" root tbf rate "${rate}" burst "${burst}" limit "${limit}"
      say "link ${host}: what ${host} receives is shaped to ${rate} (tbf burst ${burst} B, queue ${limit} B)"
      ;;
  esac
}

# ---- measure -----------------------------------------------------------------------------------------------

cmd_measure() {
  (($# >= 2)) || die "${EXIT_USAGE}" "usage: measure FROM TO [--count N] [--gap-ms MS] [--size BYTES]"
  local from=$1 to=$2
  shift 2
  require_root
  require_host "${from}"
  require_host "${to}"
  [[ "${from}" != "${to}" ]] || die "${EXIT_USAGE}" "measure: two different hosts"
  local probe="${BERKELEY_ROOT}/scripts/netlab_probe.py" to_address port=17999 python
  python=$(command -v python3) || die "${EXIT_NO_NETNS}" "python3 not found"
  to_address=$(ip -n "${to}" -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)
  # the echo in TO, bounded; the probe in FROM; both stopped however this ends
  (enter_host "${to}" timeout 60 "${python}" "${probe}" echo --bind "${to_address}" --port "${port}" --idle 10) &
  local echo_pid=$!
  # shellcheck disable=SC2016 # expanded when the cleanup runs
  at_exit "kill ${echo_pid} 2>/dev/null; wait ${echo_pid} 2>/dev/null"
  local status=0
  (enter_host "${from}" timeout 60 "${python}" "${probe}" probe --to "${to_address}" --port "${port}" \
    --from-name "${from}" --to-name "${to}" "$@") || status=$?
  return "${status}"
}

# ---- hog ---------------------------------------------------------------------------------------------------

cmd_hog() {
  (($# >= 1 && $# <= 2)) || die "${EXIT_USAGE}" "usage: hog HOST [SECONDS]"
  local host=$1 seconds=${2:-60}
  if ! [[ "${seconds}" =~ ^[0-9]+$ ]] || ((seconds < 1 || seconds > 3600)); then
    die "${EXIT_USAGE}" "hog: seconds must be 1..3600, not '${seconds}'"
  fi
  require_root
  require_host "${host}"
  command -v stress-ng >/dev/null 2>&1 || install_packages stress-ng
  take_lock
  # detached from this shell (its own session), inside the host; `down` stops it with everything else there
  setsid nsenter --net="/run/netns/${host}" -- stress-ng --cpu 1 --timeout "${seconds}s" --quiet \
    </dev/null >"${LAB_DIR}/hog.${host}.log" 2>&1 9>&- &
  printf '%s\n' "$!" >"${LAB_DIR}/hog.${host}.pid"
  say "hog in ${host}: stress-ng --cpu 1 for ${seconds} s (pid $!)"
}

# ---- Slurm across the hosts ----------------------------------------------------------------------------------

# scripts/slurm-local.sh with this lab's nodes: the controller on bm1, a slurmd per host, each started inside
# its host by `netlab.sh exec`, a munged of its own (so no other local Slurm's munged is shared or stopped).
slurm_local() {
  local nodes=() name subnet
  subnet=$(lab_subnet)
  local k=1
  for name in $(lab_names); do
    nodes+=("${name}=$(host_address "${subnet}" "${k}")")
    k=$((k + 1))
  done
  BERKELEY_SLURM_DIR="${SLURM_DIR}" \
    BERKELEY_SLURM_NODES="${nodes[*]}" \
    BERKELEY_SLURM_ENTER="${BERKELEY_ROOT}/scripts/netlab.sh exec" \
    BERKELEY_SLURM_MUNGE_SOCKET="${SLURM_DIR}/munge/munge.socket" \
    "${BERKELEY_ROOT}/scripts/slurm-local.sh" "$@" 9>&-
}

cmd_slurm_up() {
  require_root
  require_up
  take_lock
  slurm_local up
}

cmd_slurm_down() {
  require_root
  if ! lab_exists || [[ ! -e "${SLURM_DIR}/.berkeley-slurm-local" ]]; then
    say "slurm-down: no Slurm in the lab"
    return 0
  fi
  take_lock
  slurm_local down
}

# A Slurm command on bm1 against the lab's Slurm, with what Open MPI needs in a job across the hosts (sbatch
# passes the environment on to the job).
cmd_slurm() {
  (($# >= 1)) || die "${EXIT_USAGE}" "usage: slurm CMD... (e.g. slurm sinfo)"
  require_root
  require_up
  [[ -e "${SLURM_DIR}/.berkeley-slurm-local" ]] || die "${EXIT_NOT_UP}" "no Slurm in the lab (scripts/netlab.sh slurm-up)"
  local subnet
  subnet=$(lab_subnet)
  export SLURM_CONF="${SLURM_DIR}/slurm.conf"
  export OMPI_MCA_btl_tcp_if_include="${subnet}" OMPI_MCA_oob_tcp_if_include="${subnet}"
  export OMPI_MCA_btl=self,tcp,vader
  # the lab's hosts share this machine's cores: yield inside MPI calls (see cmd_mpirun)
  export OMPI_MCA_mpi_yield_when_idle="${OMPI_MCA_mpi_yield_when_idle:-1}"
  enter_host "${HOST_PREFIX}1" "$@"
}

# ---- main --------------------------------------------------------------------------------------------------

main() {
  local command=${1:-}
  (($# > 0)) && shift
  case "${command}" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    exec) cmd_exec "$@" ;;
    mpirun) cmd_mpirun "$@" ;;
    link) cmd_link "$@" ;;
    measure) cmd_measure "$@" ;;
    hog) cmd_hog "$@" ;;
    slurm-up) cmd_slurm_up "$@" ;;
    slurm-down) cmd_slurm_down "$@" ;;
    slurm) cmd_slurm "$@" ;;
    -h | --help | help) usage ;;
    "")
      usage >&2
      exit "${EXIT_USAGE}"
      ;;
    *) die "${EXIT_USAGE}" "unknown command '${command}' (scripts/netlab.sh --help)" ;;
  esac
}

main "$@"
