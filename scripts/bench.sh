#!/usr/bin/env bash
# Benchmarks (programs that print figures, not tests): berkeley_bench under mpirun at several rank counts,
# each against the floors of this machine's MPI measured in the same run; then the README's own command
# path, berkeley_mpi as a user runs it (scripts/bench_user_path.py).
#   scripts/bench.sh                 np 2 4 8 16; per method 100 timed syncs and 10 probed for the true
#                                    spread; JSON into bench-results/; then the user path at np 2 and 4
#   scripts/bench.sh --hog           the same under a CPU hog on every core (stress-ng, bounded)
#   scripts/bench.sh --plot          then draws the methods side by side from this run's JSON files into
#                                    bench-results/methods.png (scripts/plot_bench.py; Debian's python3-matplotlib,
#                                    installed if missing); --hog and --plot combine, in either order
#   NPS="2 4" SYNCS=20 PROBES=5 scripts/bench.sh --clock sim     extra arguments go to berkeley_bench
#   USER_NPS=2,4 USER_RUNS=5 USER_METHODS=collective,pingpong   the user path's counts (USER_RUNS=0: skip it)
set -euo pipefail
# a build of its own: switching build/ between Release and the tests' type would rebuild everything each time
BERKELEY_BUILD_DIR=${BERKELEY_BUILD_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build-release}
source "$(dirname "$0")/lib.sh"

hog=0
plot=0
while (($# > 0)); do
  case $1 in
    --hog) hog=1 ;;
    --plot) plot=1 ;;
    *) break ;;
  esac
  shift
done

install_build_dependencies
# the plot needs Debian's matplotlib, under Debian's python (a python3 earlier on PATH may not see it)
if ((plot)); then install_packages python3-matplotlib; fi
BERKELEY_BUILD_TYPE=Release build_project >/dev/null
out_dir=${BENCH_DIR:-$PWD/bench-results}
mkdir -p "$out_dir"
cores=$(nproc)
if ((hog)); then
  command -v stress-ng >/dev/null 2>&1 || install_packages stress-ng
  # bounded by its own timeout too, in case this script is killed with SIGKILL
  stress-ng --cpu "$cores" --timeout 3600s --quiet &
  hog_pid=$!
  trap 'kill "$hog_pid" 2>/dev/null || true' EXIT
  log "CPU hog: stress-ng --cpu $cores (pid $hog_pid)"
fi
bench_files=()
for np in ${NPS:-2 4 8 16}; do
  # The tuned path: Open MPI yields the core only where ranks outnumber cores, set here explicitly (the
  # programs choose the same from their placement; the user path below leaves it to them). With a core per
  # rank, yielding only puts a system call into every poll of the latencies being measured.
  yield=0
  if (( np > cores )); then yield=1; fi
  # bounded: a hung launch must not hang the benchmark (see docs: mpirun of many ranks can hang)
  OMPI_MCA_mpi_yield_when_idle=$yield timeout 600 mpirun -np "$np" "$BERKELEY_BUILD_DIR/berkeley_bench" --syncs "${SYNCS:-100}" \
    --probes "${PROBES:-10}" --json "$out_dir/bench-$np.json" "$@"
  bench_files+=("$out_dir/bench-$np.json")
  echo
done
log "JSON: $out_dir/bench-*.json"
# the README's path: berkeley_mpi with only what scripts/run.sh sets (no tuning), true spread and sync time
if ((${USER_RUNS:-5} > 0)); then
  python3 "$(dirname "$0")/bench_user_path.py" --exe "$BERKELEY_BUILD_DIR/berkeley_mpi" --nps "${USER_NPS:-2,4}" \
    --methods "${USER_METHODS:-collective,pingpong}" --runs "${USER_RUNS:-5}" || log "user path: a run failed or broke its bounds"
fi
if ((plot)); then
  # last, so that a failed plot costs no figures (and is the exit status)
  # this run's files only: a bench-*.json left from another run (other rank counts, another --clock) is not drawn
  /usr/bin/python3 "$(dirname "$0")/plot_bench.py" "${bench_files[@]}" -o "$out_dir/methods.png"
fi
