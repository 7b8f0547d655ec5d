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
"$BERKELEY_ROOT/scripts/install-slurm.sh"
if ! "$BERKELEY_ROOT/scripts/slurm-local.sh" status >/dev/null 2>&1; then
  # armed before `up`, so that daemons of a half-finished `up` are stopped too (`down` of nothing is a no-op)
  trap '"$BERKELEY_ROOT/scripts/slurm-local.sh" down >&2' EXIT
  if ! "$BERKELEY_ROOT/scripts/slurm-local.sh" up; then
    log "no local Slurm: the slurm tests will be skipped (or fail under BERKELEY_REQUIRE_SLURM=1)"
  fi
fi
cd "$BERKELEY_BUILD_DIR"
# -j2: two cores; tests declare PROCESSORS, so a 7-rank test runs alone
ctest --output-on-failure -j 2 --timeout 600 "$@"
