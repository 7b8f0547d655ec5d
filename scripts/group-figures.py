#!/usr/bin/env python3
"""The true spread of a mixed group (MPI ranks + TCP clients, berkeley_mpi --serve-tcp) against an MPI-only and a
TCP-only group of the same size, in one session, alternating (standard library only).

  scripts/group-figures.py [--build DIR] [--ranks 4] [--clients 3] [--runs 5] [--method pingpong]

Each run syncs 2 rounds on simulated clocks (±1 s apart before) and reads every clock at one shared instant of
CLOCK_MONOTONIC, so the spread after is the truth, not an estimate. Printed per group: the median and largest true
spread after, the median stated spread bound, and whether every clock kept its stated bound in every run.
  mixed:    mpirun -np RANKS berkeley_mpi --serve-tcp CLIENTS  + CLIENTS berkeley_client
  mpi-only: mpirun -np RANKS+CLIENTS berkeley_mpi
  tcp-only: berkeley_master RANKS+CLIENTS-1 + as many berkeley_client (the master's own clock is the last one)
Loopback only; every process bounded in time.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
COMMON = ["--seed", "7", "--rounds", "2", "--interval", "20ms", "--quiet"]


def mpirun(np):
    return ["mpirun", "--oversubscribe", "-q", "-np", str(np)]


def start(command):
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=MPI_ENV,
                            start_new_session=True)


def port_of(process, pattern, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        match = re.search(pattern, line)
        if match:
            return int(match.group(1))
    process.kill()
    sys.exit(f"no port line from {process.args[0]}")


def clients(build, port, count):
    return [start([os.path.join(build, "berkeley_client"), "--id", str(i), "--port", str(port), "--seed", "11",
                   "-q"]) for i in range(1, count + 1)]


def finish(process, timeout=120):
    out, _ = process.communicate(timeout=timeout)
    if process.returncode != 0:
        sys.exit(f"{' '.join(process.args)} exited {process.returncode}:\n{out}")


def run_once(kind, opts, path):
    total = opts.ranks + opts.clients
    if kind == "mpi-only":
        job = start(mpirun(total) + [os.path.join(opts.build, "berkeley_mpi"), "--method", opts.method, *COMMON,
                                     "--json", path])
        finish(job)
    elif kind == "mixed":
        job = start(mpirun(opts.ranks) + [os.path.join(opts.build, "berkeley_mpi"), "--method", opts.method,
                                          "--serve-tcp", str(opts.clients), "--port", "0", *COMMON, "--json", path])
        port = port_of(job, r"serving TCP clients on 127\.0\.0\.1:(\d+),")
        helpers = clients(opts.build, port, opts.clients)
        finish(job)
        for helper in helpers:
            finish(helper)
    else:
        master = start([os.path.join(opts.build, "berkeley_master"), str(total - 1), "--port", "0", "--seed", "7",
                        "--rounds", "2", "--interval", "20ms", "--quiet", "--json", path])
        port = port_of(master, r"listening on 127\.0\.0\.1:(\d+),")
        helpers = clients(opts.build, port, total - 1)
        finish(master)
        for helper in helpers:
            finish(helper)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build-release"))
    parser.add_argument("--ranks", type=int, default=4)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--method", default="pingpong")
    opts = parser.parse_args()
    kinds = ["mixed", "mpi-only", "tcp-only"]
    results = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(opts.runs):
            for kind in kinds:  # alternating: the machine's state is shared out evenly
                report = run_once(kind, opts, os.path.join(tmp, f"{kind}-{run}.json"))
                if not report["truth_measured"]:
                    sys.exit(f"{kind}: the truth was not measured")
                results[kind].append(report)
    total = opts.ranks + opts.clients
    print(f"{total} clocks, {opts.method}, 2 rounds, {opts.runs} runs each (alternating), simulated clocks +-1 s")
    print(f"{'group':<34} {'spread after: median':>21} {'max':>10} {'stated bound: median':>21} {'bounds held':>12}")
    names = {"mixed": f"mixed: {opts.ranks} MPI ranks + {opts.clients} TCP",
             "mpi-only": f"MPI only: {total} ranks", "tcp-only": f"TCP only: master + {total - 1} clients"}
    for kind in kinds:
        spreads = [r["spread_after_ns"] for r in results[kind]]
        bounds = [r["spread_after_bound_ns"] for r in results[kind] if r["spread_after_bound_ns"] is not None]
        held = sum(1 for r in results[kind] if r["bounds_held"] is True)
        print(f"{names[kind]:<34} {statistics.median(spreads):>18.0f} ns {max(spreads):>7} ns "
              f"{statistics.median(bounds) if bounds else float('nan'):>18.0f} ns {held:>5}/{len(spreads)}")


if __name__ == "__main__":
    main()
