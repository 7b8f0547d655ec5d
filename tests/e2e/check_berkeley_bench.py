#!/usr/bin/env python3
"""End-to-end check of berkeley_bench under mpiexec (Python standard library only).

  check_berkeley_bench.py --np N [--clock system|sim] : a short run of every method; its JSON must hold the
      counts asked for, medians and ratios that follow from the samples it lists, and every probed spread
      within the bound its sync stated (plus how well the truth is known)

The figures themselves are not judged here (this is not a timed test; scripts/bench.sh measures them):
what is checked is that the benchmark measures what it says, reports it consistently, and that every sync
it probed kept its word.
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_berkeley_mpi import add_launch_arguments, fail, launch, parse_launch_options  # noqa: E402

SYNCS = 7
PROBES = 3
METHODS = ("collective", "pingpong", "tree")
SIM_COARSE_CAP_NS = 100_000_000  # a tenth of the simulated clocks' ±1 s (see check_berkeley_mpi.py)


def upper_median(values):
    # the benchmark's median: the element at n/2 of the sorted values
    return sorted(values)[len(values) // 2]


def check_method(name, figures):
    times = figures["sync_times_ns"]
    spreads = figures["spreads_after_ns"]
    if len(times) != SYNCS or min(times) <= 0:
        fail(f"{name}: {len(times)} sync times (all > 0 expected), asked for {SYNCS}")
    if len(spreads) != PROBES or min(spreads) < 0:
        fail(f"{name}: {len(spreads)} spreads, asked for {PROBES}")
    if figures["median_sync_time_ns"] != upper_median(times):
        fail(f"{name}: median sync time {figures['median_sync_time_ns']} is not the median of {times}")
    if figures["median_spread_after_ns"] != upper_median(spreads):
        fail(f"{name}: median spread {figures['median_spread_after_ns']} is not the median of {spreads}")
    if figures["max_spread_after_ns"] != max(spreads):
        fail(f"{name}: max spread {figures['max_spread_after_ns']} is not the largest of {spreads}")
    floor = figures["median_gather_scatter_before_sync_ns"]
    if floor <= 0:
        fail(f"{name}: floor {floor} ns")
    ratio = figures["median_sync_time_ns"] / floor
    if abs(figures["sync_time_over_gather_scatter"] - ratio) > 1e-9 * ratio:
        fail(f"{name}: ratio {figures['sync_time_over_gather_scatter']} is not {ratio}")
    if figures["median_sync_time_with_report_ns"] <= 0:
        fail(f"{name}: no time with the report")


def check_spreads_within_their_bounds(name, figures):
    """Every probed sync's true spread within the bound it stated, the truth's own error allowed: two
    clocks, each known to the calibration's bound or its read window."""
    spreads, bounds, windows = figures["spreads_after_ns"], figures["spread_bounds_ns"], figures["probe_read_windows_ns"]
    if not len(spreads) == len(bounds) == len(windows) == PROBES:
        fail(f"{name}: {len(spreads)} spreads, {len(bounds)} bounds, {len(windows)} read windows; {PROBES} expected")
    for i, (spread, bound, window) in enumerate(zip(spreads, bounds, windows)):
        truth_error = 2 * (figures["truth_bound_ns"] + window)
        if spread > bound + truth_error:
            fail(f"{name}: probe {i}: true spread {spread} ns beyond the stated bound {bound} ns "
                 f"(+ {truth_error} ns for the truth's own error)")
        print(f"{name}: probe {i}: spread {spread} ns, stated bound {bound} ns (+ {truth_error} ns)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_launch_arguments(parser)
    parser.add_argument("--clock", choices=["system", "sim"], default="system")
    opts = parse_launch_options(parser)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.json")
        done = launch(opts, opts.np, ["--syncs", str(SYNCS), "--probes", str(PROBES), "--later", "20ms",
                                      "--clock", opts.clock, "--json", path])
        if done.returncode != 0:
            fail(f"exit code {done.returncode}")
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    if (doc["np"], doc["syncs"], doc["probes"], doc["later_ns"]) != (opts.np, SYNCS, PROBES, 20_000_000):
        fail(f"np/syncs/probes/later {doc['np']}/{doc['syncs']}/{doc['probes']}/{doc['later_ns']}, expected "
             f"{opts.np}/{SYNCS}/{PROBES}/20000000")
    if doc["clock"] != ("simulated" if opts.clock == "sim" else "mpi_wtime"):
        fail(f"clock {doc['clock']}")
    floors = doc["floors"]
    if min(floors.values()) <= 0:
        fail(f"floors {floors}: every floor is a time > 0")
    if sorted(doc["methods"]) != sorted(METHODS):
        fail(f"methods {sorted(doc['methods'])}, expected {sorted(METHODS)}")
    for name in METHODS:
        check_method(name, doc["methods"][name])
        # how the truth was known must match the clock (the system clock may give either)
        truth = doc["methods"][name]["truth"]
        if truth not in (("exact",) if opts.clock == "sim" else ("calibrated", "bracketed reads")):
            fail(f"{name}: truth {truth!r} with the {opts.clock} clock")
        check_spreads_within_their_bounds(name, doc["methods"][name])
        # coarse cap where the clocks start far apart (simulated: ±1 s): no load leaves them even a tenth
        # as far apart
        if opts.clock == "sim" and max(doc["methods"][name]["spreads_after_ns"]) > SIM_COARSE_CAP_NS:
            fail(f"{name}: spreads {doc['methods'][name]['spreads_after_ns']} ns: not even within "
                 f"{SIM_COARSE_CAP_NS} ns of each other")
    # the table: printed once, by rank 0, one row per method
    if done.stdout.count("floors [us]:") != 1:
        fail("the floors line must appear exactly once")
    for name in METHODS:
        if sum(1 for line in done.stdout.splitlines() if line.startswith(name + " ")) != 1:
            fail(f"the table must have exactly one row for {name}")
    print("PASS")


if __name__ == "__main__":
    main()
