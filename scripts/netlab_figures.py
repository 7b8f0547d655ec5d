#!/usr/bin/env python3
"""Figures of berkeley_mpi across the hosts of the lab (scripts/netlab.sh), with the truth (standard library).

  scripts/netlab_figures.py [--runs 20] [--methods collective,pingpong,tree]
                            [--links symmetric,asymmetric,noisy] [--bin build/berkeley_mpi] [--json FILE]

Brings a lab of 3 hosts up (bm1..bm3, 2 ranks each; it refuses to use a lab that is up already), runs
berkeley_mpi N times per method and link (asymmetric: what bm2 sends is shaped, tbf at 1 Mbit/s; noisy:
symmetric links, and a CPU hog inside bm3, a noisy neighbour), and takes the lab down, whatever happens. Every run must keep its promises against the truth, which is measured across
the hosts (one kernel, one CLOCK_MONOTONIC): every clock within its stated bound of the master's, the audit's
intervals holding the true offsets, the tree grouped by the 3 real hosts. Prints a table per method and link:
the sync time (rank 0's wall time for the round), the true spread after (median, worst) and the stated spread
bound (median, worst), with the runs that broke a promise. Exit 0 when none did, 1 otherwise, 77 when no lab
can be built here (not root, no network namespaces).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
from report_claims import (audit_problems, coarse_cap_problems, estimate_problems,  # noqa: E402
                           stated_bound_problems, tree_level_problems)

HOSTS = 3
RANKS_PER_HOST = 2
NETLAB = ROOT / "scripts" / "netlab.sh"
SKIP = 77


def netlab(*args, timeout_s=180, check=True):
    done = subprocess.run([str(NETLAB), *map(str, args)], capture_output=True, text=True, timeout=timeout_s)
    if check and done.returncode != 0:
        raise RuntimeError(f"netlab.sh {' '.join(map(str, args))}: exit {done.returncode}\n{done.stdout}{done.stderr}")
    return done


def median(values):
    return sorted(values)[len(values) // 2]


def us(ns):
    return f"{ns / 1000:.3f}"


def run_problems(report, method):
    problems = []
    if not report.get("truth_measured") or report.get("clock_domains") != 1:
        problems.append(f"truth not measured (clock domains {report.get('clock_domains')})")
    if report.get("hosts") != HOSTS:
        problems.append(f"{report.get('hosts')} hosts, expected {HOSTS}")
    if method == "tree":
        problems += tree_level_problems(report, HOSTS, RANKS_PER_HOST)
    return (problems + stated_bound_problems(report) + estimate_problems(report) + audit_problems(report)
            + coarse_cap_problems(report))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--methods", default="collective,pingpong,tree")
    parser.add_argument("--links", default="symmetric,asymmetric,noisy")
    parser.add_argument("--bin", type=Path, default=ROOT / "build" / "berkeley_mpi")
    parser.add_argument("--rate", default="1mbit", help="tbf rate of bm2's egress on the asymmetric link")
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    opts = parser.parse_args()
    if os.geteuid() != 0:
        print("netlab_figures: needs root (network namespaces)", file=sys.stderr)
        return SKIP
    if netlab("status", check=False).returncode == 0:
        print("netlab_figures: a lab is up already; take it down first (scripts/netlab.sh down)", file=sys.stderr)
        return 1
    rows, failures, runs = [], 0, []
    try:
        up = netlab("up", HOSTS, check=False)
        if up.returncode in (4, 5, 6):
            print(f"netlab_figures: no lab here: {up.stderr.strip() or up.stdout.strip()}", file=sys.stderr)
            return SKIP
        if up.returncode != 0:
            raise RuntimeError(f"netlab.sh up: exit {up.returncode}\n{up.stdout}{up.stderr}")
        with tempfile.TemporaryDirectory() as tmp:
            for link in opts.links.split(","):
                netlab("link", "bm2", "--clear")
                if link == "asymmetric":
                    netlab("link", "bm2", "--egress-rate", opts.rate)
                if link == "noisy":
                    # bounded: about as long as this link's runs (~15 s each at most); down stops it in any case
                    netlab("hog", "bm3", min(3600, 15 * opts.runs * len(opts.methods.split(","))))
                for method in opts.methods.split(","):
                    times, spreads, bounds, broken = [], [], [], []
                    for seed in range(1, opts.runs + 1):
                        path = Path(tmp) / f"{link}-{method}-{seed}.json"
                        done = netlab("mpirun", "-np", HOSTS * RANKS_PER_HOST, opts.bin, "--method", method,
                                      "--seed", seed, "--quiet", "--json", path, check=False)
                        if done.returncode != 0:
                            broken.append(f"seed {seed}: exit {done.returncode}: {done.stderr.strip()[-300:]}")
                            continue
                        report = json.loads(path.read_text())
                        problems = run_problems(report, method)
                        if problems:
                            broken.append(f"seed {seed}: " + "; ".join(problems))
                        times.append(sum(r["duration_ns"] for r in report["rounds"]))
                        spreads.append(report["spread_after_ns"])
                        bounds.append(report["spread_after_bound_ns"] or 0)
                        runs.append({"link": link, "method": method, "seed": seed, "sync_ns": times[-1],
                                     "spread_after_ns": spreads[-1], "spread_after_bound_ns": bounds[-1],
                                     "problems": problems})
                    failures += len(broken)
                    rows.append((method, link, len(times), times, spreads, bounds, broken))
                    for line in broken:
                        print(f"BROKEN {method} {link} {line}", flush=True)
    finally:
        netlab("down", check=False)
    print(f"berkeley_mpi across {HOSTS} hosts x {RANKS_PER_HOST} ranks, {opts.runs} runs each "
          f"(asymmetric: bm2's egress at {opts.rate}); times and spreads in us; truth: one CLOCK_MONOTONIC")
    print(f"{'method':<11} {'link':<11} {'runs':>4} {'sync time med':>14} {'spread med':>11} {'spread worst':>13} "
          f"{'bound med':>11} {'bound worst':>12} {'broken':>7}")
    for method, link, count, times, spreads, bounds, broken in rows:
        if not count:
            print(f"{method:<11} {link:<11} {count:>4} (no run completed)")
            continue
        print(f"{method:<11} {link:<11} {count:>4} {us(median(times)):>14} {us(median(spreads)):>11} "
              f"{us(max(spreads)):>13} {us(median(bounds)):>11} {us(max(bounds)):>12} {len(broken):>7}")
    if opts.json:
        opts.json.write_text(json.dumps(runs, indent=1) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
