#!/usr/bin/env bash
# Quick start, step 1: install what is missing, build, and run the main job on the default simulated
# clocks. Ends with exactly `mpirun -np 4 ./berkeley_mpi`; arguments are passed through:
#   scripts/run.sh --seed 7 --rounds 3 --json report.json
set -euo pipefail
source "$(dirname "$0")/lib.sh"

install_build_dependencies
build_project >/dev/null
# a relative --json path means relative to where the user stands, not to the build folder
args=()
for arg in "$@"; do
  if [[ ${prev:-} == --json && $arg != /* ]]; then arg="$PWD/$arg"; fi
  args+=("$arg")
  prev=$arg
done
cd "$BERKELEY_BUILD_DIR"
exec mpirun -np 4 ./berkeley_mpi "${args[@]}"
