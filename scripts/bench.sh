#!/usr/bin/env bash
# Benchmarks (programs that print figures, not tests): berkeley_bench under mpirun at several rank counts,
# each against the floors of this machine's MPI measured in the same run.
#   scripts/bench.sh                 np 2 4 8 16; per method 100 timed syncs and 10 probed for the true
#                                    spread; JSON into bench-results/
#   NPS="2 4" SYNCS=20 PROBES=5 scripts/bench.sh --clock sim     extra arguments go to berkeley_bench
set -euo pipefail
# a build of its own: switching build/ between Release and the tests' type would rebuild everything each time
BERKELEY_BUILD_DIR=${BERKELEY_BUILD_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build-release}
source "$(dirname "$0")/lib.sh"

install_build_dependencies
BERKELEY_BUILD_TYPE=Release build_project >/dev/null
out_dir=${BENCH_DIR:-$PWD/bench-results}
mkdir -p "$out_dir"
cores=$(nproc)
for np in ${NPS:-2 4 8 16}; do
  # Idle ranks yield the core only where ranks outnumber cores (as Open MPI itself decides when it sees
  # the oversubscription; lib.sh forces it on for launches where it cannot see it). With a core per rank,
  # yielding only puts a system call into every poll of the latencies being measured.
  yield=0
  if (( np > cores )); then yield=1; fi
  # bounded: a hung launch must not hang the benchmark (see docs: mpirun of many ranks can hang)
  OMPI_MCA_mpi_yield_when_idle=$yield timeout 600 mpirun -np "$np" "$BERKELEY_BUILD_DIR/berkeley_bench" --syncs "${SYNCS:-100}" \
    --probes "${PROBES:-10}" --json "$out_dir/bench-$np.json" "$@"
  echo
done
log "JSON: $out_dir/bench-*.json"
