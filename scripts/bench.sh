#!/usr/bin/env bash
# Benchmarks (programs that print figures, not tests): berkeley_bench under mpirun at several rank counts,
# each against the floors of this machine's MPI measured in the same run.
#   scripts/bench.sh                 np 2 4 8 16, 10 syncs per method, JSON into bench-results/
#   NPS="2 4" SYNCS=20 scripts/bench.sh --clock sim     extra arguments go to berkeley_bench
set -euo pipefail
source "$(dirname "$0")/lib.sh"

install_build_dependencies
BERKELEY_BUILD_TYPE=Release build_project >/dev/null
out_dir=${BENCH_DIR:-$PWD/bench-results}
mkdir -p "$out_dir"
for np in ${NPS:-2 4 8 16}; do
  # bounded: a hung launch must not hang the benchmark (see docs: mpirun of many ranks can hang)
  timeout 600 mpirun -np "$np" "$BERKELEY_BUILD_DIR/berkeley_bench" --syncs "${SYNCS:-10}" \
    --json "$out_dir/bench-$np.json" "$@"
  echo
done
log "JSON: $out_dir/bench-*.json"
