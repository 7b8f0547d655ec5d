#!/usr/bin/env python3
"""berkeley_sim_bench as a user runs it: checked from its exit code, its table and its JSON report.

  check_sim_bench.py --exe PATH run        small sizes, every method: table rows, JSON figures that hold
  check_sim_bench.py --exe PATH same-seed  two runs with one seed: the same figures (wall times aside)
  check_sim_bench.py --exe PATH bad-input  bad values: exit 2 and a message naming them; unwritable --json: exit 3
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from script_checks import expect_rejected, fail, launch  # noqa: E402

METHODS = ["collective", "pingpong", "tree", "tree-collective"]


def run(exe, args, timeout=50):
    done = launch([exe] + args, timeout)
    return done.returncode, done.stdout, done.stderr


def bench(exe, args, directory, name):
    path = os.path.join(directory, name)
    code, out, err = run(exe, args + ["--json", path])
    if code != 0:
        fail(f"exit {code}\nstdout:\n{out}\nstderr:\n{err}")
    if not os.path.exists(path):
        fail(f"exit 0 but no report at {path}")
    with open(path, encoding="utf-8") as f:
        return out, json.load(f)


def check_run(exe):
    with tempfile.TemporaryDirectory() as directory:
        out, doc = bench(exe, ["--sizes", "64,400", "--seed", "3", "--silent-fraction", "0"], directory, "r.json")
    runs = doc["runs"]
    if [(r["participants"], r["method"]) for r in runs] != [(p, m) for p in (64, 400) for m in METHODS]:
        fail("runs are not every (p, method) in order: %s" % [(r["participants"], r["method"]) for r in runs])
    for r in runs:
        label = f"{r['method']} p={r['participants']}"
        # the row of this (method, p): the method left-aligned in 16 columns, then p right-aligned in 8
        if f"{r['method']:<16}{r['participants']:>8}" not in out:
            fail(f"{label}: no table row")
        if r["answered"] != r["participants"]:
            fail(f"{label}: {r['answered']} answered with nobody silent")
        if not 0 < r["spread_after_ns"] < r["spread_before_ns"] / 1000:
            fail(f"{label}: spread {r['spread_before_ns']} ns -> {r['spread_after_ns']} ns is no synchronization")
        if r["method"] == "collective" and r["busiest_messages"] != 3 * (r["participants"] - 1):
            fail(f"{label}: collective master handled {r['busiest_messages']} messages, not 3(p-1)")
    tree = {r["participants"]: r for r in runs if r["method"] == "tree-collective"}
    flat = {r["participants"]: r for r in runs if r["method"] == "collective"}
    if not tree[400]["busiest_messages"] < flat[400]["busiest_messages"] / 5:
        fail("at p=400 the tree's busiest participant is not far below the collective master")
    if tree[400]["nodes"] != 20 or tree[400]["node_size"] != 20:
        fail("node size is not ceil(sqrt(p)) by default")
    print("ok")


def check_same_seed(exe):
    with tempfile.TemporaryDirectory() as directory:
        args = ["--sizes", "300", "--seed", "12", "--drift-ppm", "40"]
        _, first = bench(exe, args, directory, "a.json")
        _, second = bench(exe, args, directory, "b.json")
        _, other = bench(exe, ["--sizes", "300", "--seed", "13", "--drift-ppm", "40"], directory, "c.json")
    strip = lambda doc: [{k: v for k, v in r.items() if k != "wall_ns"} for r in doc["runs"]]
    if strip(first) != strip(second):
        fail("the same seed gave different figures")
    if [r["spread_after_ns"] for r in strip(first)] == [r["spread_after_ns"] for r in strip(other)]:
        fail("another seed gave the same spreads")
    print("ok")


def check_bad_input(exe):
    cases = [
        (["--sizes", "100,abc"], "'abc'"),
        (["--methods", "ring"], "'ring'"),
        (["--slow-fraction", "2"], "'2'"),
        (["--latency", "1us", "--asymmetry", "5us"], "'5us'"),
        (["--node-size", "-4"], "'-4'"),
        (["--frobnicate"], "frobnicate"),
    ]
    for args, named in cases:
        expect_rejected("berkeley_sim_bench", launch([exe] + args, 50), named, 2)
    code, out, err = run(exe, ["--sizes", "10", "--json", "/nonexistent/dir/x.json"])
    if code != 3 or "/nonexistent/dir/x.json" not in err or out:
        fail(f"unwritable --json: exit {code}, stderr {err!r}, stdout {out!r}")
    code, out, _ = run(exe, ["--help"])
    if code != 0 or "--silent-fraction" not in out:
        fail(f"--help: exit {code}")
    print("ok")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exe", required=True)
    parser.add_argument("check", choices=["run", "same-seed", "bad-input"])
    args = parser.parse_args()
    {"run": check_run, "same-seed": check_same_seed, "bad-input": check_bad_input}[args.check](args.exe)


if __name__ == "__main__":
    main()
