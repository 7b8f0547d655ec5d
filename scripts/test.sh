#!/usr/bin/env bash
# Quick start, step 2: install what is missing, build from scratch, and run the whole test suite.
#   scripts/test.sh            all tests
#   scripts/test.sh -L unit    extra arguments go to ctest (e.g. -L mpi, -L tcp, -R name)
#                              The whole suite (no ctest arguments, not --sanitize) is followed by the libFuzzer
#                              targets, each for $BERKELEY_FUZZ_SECONDS (30; 0: none) seconds: scripts/fuzz.sh.
#                              The script fails when either fails.
#   scripts/test.sh --sanitize [ctest args]
#                              AddressSanitizer + UndefinedBehaviorSanitizer (-DBERKELEY_SANITIZE=ON) in
#                              build-sanitize/ ($BERKELEY_BUILD_DIR if set), the labels unit|mpi|tcp|sim (or
#                              the ctest arguments given). Any sanitizer finding fails the test that ran it; the
#                              options and the suppressions of Open MPI's own leaks are in tests/sanitizers/.
set -euo pipefail

sanitize=
if [[ ${1:-} == --sanitize ]]; then
  sanitize=1
  shift
  BERKELEY_BUILD_DIR=${BERKELEY_BUILD_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build-sanitize}
fi
source "$(dirname "$0")/lib.sh"

install_build_dependencies
rm -rf "$BERKELEY_BUILD_DIR"
if [[ -n $sanitize ]]; then
  build_project -DBERKELEY_SANITIZE=ON
  # the slurm tests run the same berkeley_mpi as the e2e tests (label mpi), through a Slurm of their own
  (($# > 0)) || set -- -L 'unit|mpi|tcp|sim'
else
  build_project
  # A real single-node Slurm for the `slurm` tests (they skip, with the reason, where there is none).
  # Stopped at the end only if this script started it.
  start_local_slurm
fi
fuzz=
[[ -z $sanitize && $# -eq 0 && ${BERKELEY_FUZZ_SECONDS:-30} != 0 ]] && fuzz=1
cd "$BERKELEY_BUILD_DIR"
# -j2: two cores; tests declare PROCESSORS, so a 7-rank test runs alone
suite=0
ctest --output-on-failure -j 2 --timeout 600 "$@" || suite=$?
if [[ -z $fuzz ]]; then
  exit "$suite"
fi
# the fuzzers have a build of their own (clang), build-fuzz/; they run after the suite, one at a time
fuzzed=0
SECONDS=0
"$BERKELEY_ROOT/scripts/fuzz.sh" --seconds "${BERKELEY_FUZZ_SECONDS:-30}" || fuzzed=$?
log "ctest: exit $suite; scripts/fuzz.sh: exit $fuzzed (${SECONDS} s)"
((suite == 0 && fuzzed == 0))
