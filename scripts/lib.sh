# Shared by the scripts in this folder (sourced, not run). Strict mode is set by the caller.

BERKELEY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BERKELEY_BUILD_DIR=${BERKELEY_BUILD_DIR:-$BERKELEY_ROOT/build}

# Open MPI as root needs both variables; more ranks than cores need oversubscription; and without
# yield_when_idle an oversubscribed or Slurm-placed rank busy-polls (see docs). MPICH ignores OMPI_*.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_mpi_yield_when_idle=1
# mpirun -q as a variable: on a failed run only berkeley_mpi's own message is printed, no Open MPI banner
export OMPI_MCA_orte_execute_quiet=1

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }

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
    nlohmann-json3-dev libgtest-dev netcat-openbsd tmux
}

# Configures (if needed) and builds into $BERKELEY_BUILD_DIR.
build_project() {
  cmake -S "$BERKELEY_ROOT" -B "$BERKELEY_BUILD_DIR" -DCMAKE_BUILD_TYPE="${BERKELEY_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
  cmake --build "$BERKELEY_BUILD_DIR" -j "$(nproc)"
}
