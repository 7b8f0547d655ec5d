#!/usr/bin/env python3
"""The README's own command path, measured (standard library only): berkeley_mpi as a user runs it.

  scripts/bench_user_path.py --exe build/berkeley_mpi [--nps 2,4] [--methods collective,pingpong] [--runs 5]
                             [--mpirun mpirun] [-- EXTRA BERKELEY_MPI ARGS]

For each np and method, RUNS launches of `mpirun -np N berkeley_mpi --method M --seed S --quiet --json F`
(seeds 1..RUNS) with no settings beyond what scripts/run.sh exports (lib.sh: root and oversubscription;
how Open MPI waits is the program's own choice), each bounded to 120 s. Prints per np and method the true
spread after the sync (median [min-max], at the shared instant), the sync time (rank 0's wall time for the
rounds), and how many runs kept their stated bounds. Exit 0 when every run ended 0 and kept its bounds.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def ns(value):
    return f"{value / 1000:.3f} us" if value >= 1000 else f"{value} ns"


def main():
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exe", required=True)
    parser.add_argument("--mpirun", default="mpirun")
    parser.add_argument("--nps", default="2,4")
    parser.add_argument("--methods", default="collective,pingpong")
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    failures = 0
    print(f"berkeley_mpi as a user runs it ({opts.runs} runs, seeds 1-{opts.runs}; "
          f"OMPI_MCA_mpi_yield_when_idle {os.environ.get('OMPI_MCA_mpi_yield_when_idle', 'not set')})")
    print(f"{'np':>3} {'method':<11} {'true spread after: median [min-max]':<38} {'sync time median':>17} "
          f"{'bounds held':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for np in [int(n) for n in opts.nps.split(",")]:
            for method in opts.methods.split(","):
                spreads, times, held = [], [], 0
                for seed in range(1, opts.runs + 1):
                    path = os.path.join(tmp, f"{np}-{method}-{seed}.json")
                    command = [opts.mpirun, "-np", str(np), opts.exe, "--method", method, "--seed", str(seed),
                               "--quiet", "--json", path, *extra]
                    try:
                        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
                    except subprocess.TimeoutExpired:
                        print(f"np {np} {method} seed {seed}: no exit within 120 s", file=sys.stderr)
                        failures += 1
                        continue
                    if done.returncode != 0:
                        print(f"np {np} {method} seed {seed}: exit {done.returncode}: {done.stderr.strip()[-300:]}",
                              file=sys.stderr)
                        failures += 1
                        continue
                    with open(path, encoding="utf-8") as f:
                        report = json.load(f)
                    spreads.append(report["spread_after_ns"])
                    times.append(sum(r["duration_ns"] for r in report["rounds"]))
                    held += report.get("bounds_held") is True
                if not spreads:
                    print(f"{np:>3} {method:<11} (no run completed)")
                    continue
                failures += len(spreads) - held
                spread = f"{ns(median(spreads))} [{ns(min(spreads))}-{ns(max(spreads))}]"
                print(f"{np:>3} {method:<11} {spread:<38} {ns(median(times)):>17} {held:>6}/{len(spreads)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
