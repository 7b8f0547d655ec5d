#!/usr/bin/env bash
# The libFuzzer targets of tests/fuzz (clang, ASan + UBSan), built in build-fuzz/ and run one after the other,
# each for a bounded time or number of inputs, starting from its seed corpus tests/fuzz/corpus/<target>/.
#   scripts/fuzz.sh                          every target, 30 s each (what CI runs, from scripts/test.sh)
#   scripts/fuzz.sh --seconds 600            longer runs
#   scripts/fuzz.sh --runs 1000000 fuzz_line_codec     a number of inputs instead; only the targets named
# Options:
#   --seconds N     stop each target after N seconds (default 30; 0: no time limit, --runs must be given)
#   --runs N        stop each target after N inputs (default: no limit)
#   --max-len N     longest input libFuzzer makes (default: its own choice)
#   --jobs N        parallel compile jobs of the build (default: every core); the fuzzers run one at a time
#   --list          print the targets and exit
#   -h, --help      this help
# The seeds are read, never written: new inputs go to build-fuzz/fuzz/<target>/corpus/ (fresh each run). A crash,
# a hang (an input taking more than 10 s) or a leak stops that target and fails the script; the input that did
# it is kept in build-fuzz/fuzz/<target>/crashes/ and its log in build-fuzz/fuzz/<target>/log (tail shown).
# A fixed crash: add its input to tests/fuzz/corpus/<target>/ as regression_<what>, so every run replays it.
# Prints per target the inputs executed, the seconds and the result.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

targets_all=(fuzz_line_codec fuzz_duration_text fuzz_option_values fuzz_command_line fuzz_auth_framing)
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

seconds=30
runs=
max_len=
jobs=$(nproc)
targets=()
while (($# > 0)); do
  case $1 in
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --max-len) max_len=${2:?--max-len needs a number}; shift 2 ;;
    --jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
    --list) printf '%s\n' "${targets_all[@]}"; exit 0 ;;
    -h | --help) usage; exit 0 ;;
    fuzz_*) targets+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for value in "$seconds" "${runs:-0}" "${max_len:-0}" "$jobs"; do
  [[ $value =~ ^[0-9]+$ ]] || { echo "fuzz.sh: '$value' is not a whole number (see --help)" >&2; exit 2; }
done
if ((seconds == 0)) && [[ -z $runs ]]; then
  echo "fuzz.sh: --seconds 0 runs without end: give --runs N too" >&2
  exit 2
fi
((${#targets[@]} > 0)) || targets=("${targets_all[@]}")
for target in "${targets[@]}"; do
  [[ " ${targets_all[*]} " == *" $target "* ]] || { echo "fuzz.sh: no target '$target' (--list)" >&2; exit 2; }
done

install_build_dependencies
install_packages clang-14 libclang-rt-14-dev
build_dir=${BERKELEY_FUZZ_BUILD_DIR:-$BERKELEY_ROOT/build-fuzz}
CXX=clang++-14 cmake -S "$BERKELEY_ROOT" -B "$build_dir" -DBERKELEY_FUZZ=ON -DBERKELEY_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
SECONDS=0
cmake --build "$build_dir" -j "$jobs" --target "${targets[@]}" >/dev/null
log "built ${targets[*]} in ${SECONDS} s"

failed=0
summary=()
for target in "${targets[@]}"; do
  work=$build_dir/fuzz/$target
  rm -rf "$work/corpus"
  mkdir -p "$work/corpus" "$work/crashes"
  args=(-print_final_stats=1 -timeout=10 -rss_limit_mb=2048 "-artifact_prefix=$work/crashes/")
  ((seconds > 0)) && args+=("-max_total_time=$seconds")
  [[ -n $runs ]] && args+=("-runs=$runs")
  [[ -n $max_len ]] && args+=("-max_len=$max_len")
  log "$target: ${args[*]:4}"
  SECONDS=0
  status=0
  # new inputs go to the first folder only: the seeds (second) are read, never written
  "$build_dir/$target" "${args[@]}" "$work/corpus" "$BERKELEY_ROOT/tests/fuzz/corpus/$target" >"$work/log" 2>&1 ||
    status=$?
  took=$SECONDS
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  if ((status == 0)); then
    result=ok
  else
    failed=$((failed + 1))
    result="FAILED (exit $status; inputs in $work/crashes/)"
    tail -n 40 "$work/log" >&2
  fi
  summary+=("$(printf '%-20s %12s inputs %6s s   %s' "$target" "${executed:-?}" "$took" "$result")")
done
printf '%s\n' "${summary[@]}"
if ((failed > 0)); then
  log "$failed of ${#targets[@]} target(s) failed: reproduce with $build_dir/<target> <input>"
  exit 1
fi
