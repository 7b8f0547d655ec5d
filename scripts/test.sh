#!/usr/bin/env bash
# Quick start, step 2: install what is missing, build from scratch, and run the whole test suite.
#   scripts/test.sh            all tests
#   scripts/test.sh -L unit    extra arguments go to ctest (e.g. -L mpi, -L tcp, -R name)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

install_build_dependencies
rm -rf "$BERKELEY_BUILD_DIR"
build_project

# A real single-node Slurm for the `slurm` tests (they skip, with the reason, where there is none).
# Stopped at the end only if this script started it.
start_local_slurm
cd "$BERKELEY_BUILD_DIR"
# -j2: two cores; tests declare PROCESSORS, so a 7-rank test runs alone
ctest --output-on-failure -j 2 --timeout 600 "$@"
