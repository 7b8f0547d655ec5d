#!/usr/bin/env python3
"""berkeley_tcp_bench end to end (Python standard library only): a short run on loopback and its bad input.

  check_tcp_bench.py --bench PATH run        : 3 and 5 clients, 2 rounds: exit 0, one table row per client
                                               count, each run's kept report with every client and round
  check_tcp_bench.py --bench PATH bad-input  : every bad command line exits 2 (a --keep-json that is not a
                                               directory 3) with one message naming it, before any run
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from script_checks import expect_rejected, fail, launch as launch_bounded  # noqa: E402

TIMEOUT_S = 60


def launch(bench, args):
    return launch_bounded([bench, *args], TIMEOUT_S)


def check_run(bench):
    counts = (3, 5)
    # the kept reports go to /dev/shm where there is one (tmpfs, another file system than /tmp here): the
    # benchmark writes its own report in /tmp, and a rename across file systems lost it without a word
    keep_in = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else os.getcwd()
    with tempfile.TemporaryDirectory(dir=keep_in) as tmp:
        done = launch(bench, ["--clients", ",".join(map(str, counts)), "--rounds", "2", "--keep-json", tmp])
        if done.returncode != 0:
            fail(f"exit code {done.returncode}, expected 0")
        rows = [line.split() for line in done.stdout.splitlines() if line.split() and line.split()[0].isdigit()]
        if [int(row[0]) for row in rows] != list(counts):
            fail(f"table rows for {[row[0] for row in rows]}, expected {list(counts)}")
        for clients in counts:
            path = os.path.join(tmp, f"clients-{clients}.json")
            if not os.path.exists(path):
                fail(f"no report kept for {clients} clients")
            with open(path, encoding="utf-8") as f:
                report = json.load(f)
            if sorted(r["rank"] for r in report["ranks"]) != list(range(clients + 1)):
                fail(f"{clients} clients: ranks {[r['rank'] for r in report['ranks']]}, expected the master and each client")
            if len(report["rounds"]) != 2 or min(r["duration_ns"] for r in report["rounds"]) <= 0:
                fail(f"{clients} clients: rounds {report['rounds']}")
    print("PASS")


def check_bad_input(bench):
    cases = [
        (["--clients", "3,,5"], "--clients: ''", 2),
        (["--clients", "0"], "--clients: '0'", 2),
        (["--rounds", "0"], "--rounds: '0'", 2),
        (["--min-exchanges", "9", "--max-exchanges", "4"], "--min-exchanges 9 is more than --max-exchanges 4", 2),
        (["--no-such-option"], "no-such-option", 2),
        (["--clients", "3", "--keep-json", "/nonexistent/dir"], "'/nonexistent/dir' is not a directory", 3),
    ]
    for args, expected, code in cases:
        expect_rejected("berkeley_tcp_bench", launch(bench, args), expected, code)
    done = launch(bench, ["--help"])
    if done.returncode != 0 or "--keep-json" not in done.stdout or "Exit codes" not in done.stdout:
        fail("--help must exit 0 and list the options and the exit codes")
    print("PASS")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", required=True)
    parser.add_argument("check", choices=["run", "bad-input"])
    opts = parser.parse_args()
    {"run": check_run, "bad-input": check_bad_input}[opts.check](opts.bench)


if __name__ == "__main__":
    main()
