#!/usr/bin/env bash
# scripts/flake-hunt.sh [--idle|--hog|--both] [N] [-- CTEST_ARGS...] — runs the test suite N times and says,
# per test, in how many runs it failed.
#
#   --idle    N runs on the machine as it is
#   --hog     N runs with a CPU hog on every core (stress-ng --cpu $(nproc); a busy loop per core without it)
#   --both    N idle runs, then N hog runs (the default)
#   N         runs per mode (default 5)
#   CTEST_ARGS  a selection for ctest (default: the whole suite), e.g. -- -L mpi, -- -R test_mpi_precision
#
# The issue's acceptance runs: `scripts/flake-hunt.sh --idle 20` and `scripts/flake-hunt.sh --hog 10`.
#
# Every run is `ctest --output-on-failure -j 2 --timeout 600 CTEST_ARGS` in the existing build directory
# ($BERKELEY_BUILD_DIR, default build/; configured and built first when there is none, brought up to date
# otherwise), bounded as a whole by BERKELEY_FLAKE_RUN_TIMEOUT seconds (default 1800). Each run's output and
# its list of failed tests are kept in $BERKELEY_BUILD_DIR/flake-hunt/<date-time>/, with the summary printed
# at the end. When the selection holds `slurm` tests, a local Slurm is brought up as scripts/test.sh does.
# The hog lives for one run only and is stopped whichever way the script ends (Ctrl-C and TERM included);
# an interrupted run is stopped with all it started.
#
# Exit status: 0 when no test failed in any run, 1 when one did (or a run failed or overran), 2 on bad usage,
# 130/143 when interrupted.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

mode=both
runs=5
ctest_args=()
while (($# > 0)); do
  case $1 in
    --idle | --hog | --both) mode=${1#--} ;;
    -h | --help)
      usage
      exit 0
      ;;
    --)
      shift
      ctest_args=("$@")
      break
      ;;
    *)
      if [[ $1 =~ ^[0-9]+$ ]]; then
        runs=$1
      else # the first argument that is not ours starts the ctest selection
        ctest_args=("$@")
        break
      fi
      ;;
  esac
  shift
done
if ((runs < 1)); then
  log "N must be at least 1"
  usage >&2
  exit 2
fi
case $mode in
  idle) modes=(idle) ;;
  hog) modes=(hog) ;;
  both) modes=(idle hog) ;;
esac
readonly run_bound_s=${BERKELEY_FLAKE_RUN_TIMEOUT:-1800}

install_build_dependencies
if [[ -f $BERKELEY_BUILD_DIR/CTestTestfile.cmake ]]; then
  log "using the build in $BERKELEY_BUILD_DIR (brought up to date)"
  cmake --build "$BERKELEY_BUILD_DIR" -j "$(nproc)" >/dev/null
else
  log "no build in $BERKELEY_BUILD_DIR: building"
  build_project
fi

# The selection, as ctest sees it: a typo that selects nothing is an error, not a clean hunt.
selection_json=$(cd "$BERKELEY_BUILD_DIR" && ctest --show-only=json-v1 "${ctest_args[@]}")
selected_tests=$(python3 -c 'import json, sys; print(len(json.load(sys.stdin)["tests"]))' <<<"$selection_json")
if ((selected_tests == 0)); then
  log "no test matches: ctest ${ctest_args[*]}"
  exit 2
fi
if python3 -c 'import json, sys
tests = json.load(sys.stdin)["tests"]
sys.exit(0 if any("slurm" in p["value"] for t in tests for p in t.get("properties", []) if p["name"] == "LABELS") else 1)
' <<<"$selection_json"; then
  start_local_slurm
fi

# --- the hog: one per run, bounded by its own timeout too (in case this script is killed with SIGKILL) ---
hog_pids=()
hog_kind=
if [[ " ${modes[*]} " == *" hog "* ]]; then
  command -v stress-ng >/dev/null 2>&1 || install_packages stress-ng || true
  if command -v stress-ng >/dev/null 2>&1; then
    hog_kind="stress-ng --cpu $(nproc)"
  else
    hog_kind="a busy loop on each of $(nproc) cores (no stress-ng)"
  fi
fi
hog_start() {
  local seconds=$1 i
  if command -v stress-ng >/dev/null 2>&1; then
    stress-ng --cpu "$(nproc)" --timeout "${seconds}s" --quiet >>"$out_dir/hog.log" 2>&1 &
    hog_pids+=($!)
  else
    for ((i = 0; i < $(nproc); i++)); do
      timeout "$seconds" bash -c 'while :; do :; done' >>"$out_dir/hog.log" 2>&1 &
      hog_pids+=($!)
    done
  fi
  sleep 1 # the hog is on every core before the first test starts
}
# TERM (stress-ng stops its workers on it), a bounded wait, then KILL; also the workers of a stress-ng whose
# parent is gone.
hog_stop() {
  local pid deadline=$((SECONDS + 10))
  ((${#hog_pids[@]} > 0)) || return 0
  for pid in "${hog_pids[@]}"; do
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${hog_pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  hog_pids=()
}

# --- one run of ctest, in its own process group (GNU timeout makes one), so that it can be stopped whole ---
ctest_pid=
# SIGINT, not TERM: the Python test scripts stop the launches they started (own sessions) on Ctrl-C only.
# The whole group gets time to finish (a Python test stops its launch within ~5 s) before KILL.
ctest_stop() {
  local group=$ctest_pid deadline=$((SECONDS + 30))
  [[ -n $group ]] || return 0
  kill -INT "$group" 2>/dev/null || true # timeout passes it on to the whole group
  while pgrep -g "$group" >/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  kill -KILL -- "-$group" 2>/dev/null || true
  wait "$group" 2>/dev/null || true
  ctest_pid=
}
at_exit hog_stop
at_exit ctest_stop
interrupted=
on_signal() {
  interrupted=$1
  log "interrupted ($1): stopping the run in progress and the hog"
  ctest_stop
  hog_stop
  print_summary
  exit $((128 + $(kill -l "$1")))
}
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP

out_dir="$BERKELEY_BUILD_DIR/flake-hunt/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out_dir"
failed_list="$BERKELEY_BUILD_DIR/Testing/Temporary/LastTestsFailed.log"
declare -A failures=()    # "mode test" -> runs in which it failed
declare -A runs_done=()   # mode -> runs completed
declare -A failed_runs=() # mode -> runs with at least one failure
declare -A seen=()        # test -> 1 once it failed in some run
tests_seen=()             # those tests, in the order they first failed
start_s=$SECONDS

record_failure() { # mode test
  [[ -n ${seen["$2"]:-} ]] || tests_seen+=("$2")
  seen["$2"]=1
  failures["$1 $2"]=$((${failures["$1 $2"]:-0} + 1))
}

run_once() { # mode index
  local mode=$1 name log rc=0 began=$SECONDS test problem=
  name=$(printf '%s-%02d' "$1" "$2")
  log="$out_dir/$name.log"
  rm -f "$failed_list"
  [[ $mode == hog ]] && hog_start $((run_bound_s + 60))
  (cd "$BERKELEY_BUILD_DIR" &&
    exec timeout --signal=INT --kill-after=30 "$run_bound_s" \
      ctest --output-on-failure -j 2 --timeout 600 --no-tests=error "${ctest_args[@]}") >"$log" 2>&1 &
  ctest_pid=$!
  local group=$ctest_pid left
  wait "$ctest_pid" || rc=$?
  ctest_pid=
  [[ $mode == hog ]] && hog_stop
  # a test that leaves a process in the run's group (not in a session of its own) would disturb the next run
  left=$(pgrep -g "$group" | paste -sd,) || true
  if [[ -n $left ]]; then
    { echo "--- left behind by the run, killed:" && ps -o pid,args -p "$left" 2>/dev/null; } >>"$log" || true
    kill -KILL -- "-$group" 2>/dev/null || true
  fi
  local failed=()
  if [[ -s $failed_list ]]; then
    cp "$failed_list" "$out_dir/$name.failed"
    while IFS= read -r test; do
      failed+=("${test#*:}") # lines are "<number>:<name>"
    done <"$failed_list"
  fi
  for test in "${failed[@]}"; do record_failure "$mode" "$test"; done
  if ((rc == 124 || rc == 137)); then
    problem="overran ${run_bound_s} s"
  elif ((rc != 0 && ${#failed[@]} == 0)); then
    problem="ctest exit $rc"
  fi
  [[ -z $left ]] || problem+="${problem:+; }left processes behind"
  [[ -z $problem ]] || record_failure "$mode" "(the run itself: $problem)"
  runs_done[$mode]=$((${runs_done[$mode]:-0} + 1))
  ((${#failed[@]} == 0)) && [[ -z $problem ]] || failed_runs[$mode]=$((${failed_runs[$mode]:-0} + 1))
  printf '[%s %d/%d] %d failed%s in %d s: %s\n' "$mode" "$2" "$runs" "${#failed[@]}" \
    "${problem:+ ($problem)}" $((SECONDS - began)) "$log"
}

print_summary() {
  local mode test line width=40
  for test in "${tests_seen[@]}"; do ((${#test} <= width)) || width=${#test}; done
  {
    printf '\nflake hunt: ctest -j 2 %s in %s\n' "${ctest_args[*]:-(whole suite)}" "$BERKELEY_BUILD_DIR"
    [[ -z $hog_kind ]] || printf 'hog: %s\n' "$hog_kind"
    [[ -z $interrupted ]] || printf 'INTERRUPTED (%s): the counts cover the finished runs only\n' "$interrupted"
    line=$(printf '%-*s' "$width" test)
    for mode in "${modes[@]}"; do line+=$(printf ' %12s' "$mode"); done
    printf '%s\n' "$line"
    if ((${#tests_seen[@]} == 0)); then
      printf '(no test failed)\n'
    fi
    while IFS= read -r test; do
      [[ -n $test ]] || continue
      line=$(printf '%-*s' "$width" "$test")
      for mode in "${modes[@]}"; do
        line+=$(printf ' %12s' "${failures["$mode $test"]:-0}/${runs_done[$mode]:-0}")
      done
      printf '%s\n' "$line"
    done < <(printf '%s\n' "${tests_seen[@]}" | sort)
    line=$(printf '%-*s' "$width" 'runs with a failure')
    for mode in "${modes[@]}"; do line+=$(printf ' %12s' "${failed_runs[$mode]:-0}/${runs_done[$mode]:-0}"); done
    printf '%s\n' "$line"
    printf 'tests selected: %d; wall time: %dm%02ds; logs: %s\n' "$selected_tests" \
      $(((SECONDS - start_s) / 60)) $(((SECONDS - start_s) % 60)) "$out_dir"
  } | tee "$out_dir/summary.txt"
}

log "$runs run(s) per mode (${modes[*]}) of $selected_tests test(s); logs in $out_dir"
for mode in "${modes[@]}"; do
  for ((i = 1; i <= runs; i++)); do
    run_once "$mode" "$i"
  done
done
print_summary
((${#tests_seen[@]} == 0))
