# shellcheck shell=bash
# Shared by the scripts in this folder (sourced, not run). Strict mode is set by the caller.

BERKELEY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BERKELEY_BUILD_DIR=${BERKELEY_BUILD_DIR:-$BERKELEY_ROOT/build}

# Open MPI as root needs both variables; more ranks than cores need oversubscription. MPICH ignores OMPI_*.
# Whether Open MPI polls or yields inside MPI calls (mpi_yield_when_idle) is not set here: the programs
# choose it before MPI_Init from their placement (src/transport/mpi/progress_waiting.hpp).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# mpirun -q as a variable: on a failed run only berkeley_mpi's own message is printed, no Open MPI banner
export OMPI_MCA_orte_execute_quiet=1

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }

# Cleanups for the calling script, run when it exits however it ends (done, failed, Ctrl-C, TERM), the last
# registered first. Register with at_exit rather than `trap ... EXIT`, so that cleanups do not replace each
# other. A failing cleanup does not stop the others.
BERKELEY_EXIT_COMMANDS=()
run_exit_commands() {
  local i
  for ((i = ${#BERKELEY_EXIT_COMMANDS[@]} - 1; i >= 0; i--)); do
    eval "${BERKELEY_EXIT_COMMANDS[i]}" || true
  done
  BERKELEY_EXIT_COMMANDS=()
}
at_exit() {
  BERKELEY_EXIT_COMMANDS+=("$1")
  trap run_exit_commands EXIT
}

# Installs the Debian packages that are missing (nothing when all are there).
install_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing: ${missing[*]}"
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_build_dependencies() {
  install_packages g++ cmake make pkg-config python3 \
    openmpi-bin libopenmpi-dev libboost-mpi-dev libboost-program-options-dev libboost-system-dev \
    nlohmann-json3-dev libgtest-dev libsodium-dev netcat-openbsd tmux clang-format-14 \
    python3-matplotlib python3-jsonschema
}

# Configures (if needed) and builds into $BERKELEY_BUILD_DIR; arguments go to the configure step
# (e.g. -DBERKELEY_SANITIZE=ON).
# shellcheck disable=SC2120 # the arguments are optional
build_project() {
  cmake -S "$BERKELEY_ROOT" -B "$BERKELEY_BUILD_DIR" -DCMAKE_BUILD_TYPE="${BERKELEY_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
  cmake --build "$BERKELEY_BUILD_DIR" -j "$(nproc)"
}

# A real single-node Slurm for the `slurm` tests (scripts/slurm-local.sh), its packages installed when missing.
# One already running is used and left running; one started here is stopped when the calling script exits
# (armed before `up`, so that the daemons of a half-finished `up` are stopped too: `down` of nothing is a no-op).
# Without Slurm the slurm tests skip with the reason (or fail under BERKELEY_REQUIRE_SLURM=1): not an error here.
start_local_slurm() {
  "$BERKELEY_ROOT/scripts/install-slurm.sh"
  "$BERKELEY_ROOT/scripts/slurm-local.sh" status >/dev/null 2>&1 && return 0
  # shellcheck disable=SC2016 # expanded when the cleanup runs
  at_exit '"$BERKELEY_ROOT/scripts/slurm-local.sh" down >&2'
  if ! "$BERKELEY_ROOT/scripts/slurm-local.sh" up; then
    log "no local Slurm: the slurm tests will be skipped (or fail under BERKELEY_REQUIRE_SLURM=1)"
  fi
}
