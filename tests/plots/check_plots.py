#!/usr/bin/env python3
"""The plotting scripts on real reports (Python standard library only; the scripts themselves run under
--python, Debian's /usr/bin/python3 with python3-matplotlib).

  check_plots.py --exe build/berkeley_mpi --bench build/berkeley_bench --mpiexec mpiexec [--np 4] ...

  1. berkeley_mpi at --np ranks with --json, once plain and once with drift correction (--rounds 4 --interval
     100ms --drift-ppm 50); scripts/plot_report.py draws each: a PNG (signature, IHDR size within limits, file
     size within limits), and the panels it names include the drift fit only where there is one
  2. bad input to plot_report.py (a missing file, text that is not JSON, {}, another format, no "ranks"):
     exit 2 and one line on stderr naming the file and the problem; an unwritable output: exit 3
  3. berkeley_bench at np 2 (--syncs 5 --probes 2) and scripts/plot_bench.py on its JSON: a sane PNG; a
     berkeley_mpi report given to plot_bench.py: exit 2
Exit 77 (skipped, with the reason) when --python cannot import matplotlib.
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from check_berkeley_mpi import add_launch_arguments, parse_launch_options  # noqa: E402
from script_checks import fail, launch as launch_bounded  # noqa: E402

PLOT_REPORT = os.path.join(ROOT, "scripts", "plot_report.py")
PLOT_BENCH = os.path.join(ROOT, "scripts", "plot_bench.py")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIN_WIDTH, MIN_HEIGHT = 800, 600
MAX_SIDE = 6000
MIN_BYTES, MAX_BYTES = 20 * 1024, 5 * 1024 * 1024
PLOT_TIMEOUT_S = 60
SKIP = 77


def run(command, timeout_s=PLOT_TIMEOUT_S):
    print("+", " ".join(command), flush=True)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        fail(f"{os.path.basename(command[1])}: no exit within {timeout_s} s")
    sys.stdout.write(done.stdout)
    sys.stdout.write(done.stderr)
    return done


def png_problems(path):
    """What is wrong with `path` as the PNG of a figure (empty: nothing)."""
    if not os.path.exists(path):
        return [f"{path}: not written"]
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(33)
    if head[:8] != PNG_SIGNATURE:
        return [f"{path}: not a PNG (starts {head[:8]!r})"]
    # the first chunk must be IHDR: length 13, then width and height as big-endian uint32
    length, kind, width, height = struct.unpack(">I4sII", head[8:24])
    if kind != b"IHDR" or length != 13:
        return [f"{path}: the first chunk is {kind!r} of {length} bytes, not IHDR"]
    problems = []
    if not (MIN_WIDTH <= width <= MAX_SIDE and MIN_HEIGHT <= height <= MAX_SIDE):
        problems.append(f"{path}: {width}x{height} pixels, expected {MIN_WIDTH}x{MIN_HEIGHT} to "
                        f"{MAX_SIDE}x{MAX_SIDE}")
    if not MIN_BYTES <= size <= MAX_BYTES:
        problems.append(f"{path}: {size} bytes, expected {MIN_BYTES} to {MAX_BYTES} (an empty or a runaway figure)")
    if not problems:
        print(f"{os.path.basename(path)}: {width}x{height} pixels, {size} bytes")
    return problems


def plotted(command, png, what):
    """Runs a plot script that must succeed and write a sane PNG; returns its stdout."""
    if os.path.exists(png):
        os.remove(png)
    done = run(command)
    if done.returncode != 0:
        fail(f"{what}: exit code {done.returncode}: {done.stderr.strip()}")
    problems = png_problems(png)
    if problems:
        fail(f"{what}: " + "; ".join(problems))
    return done.stdout


def expect_refused(opts, script, args, exit_code, named):
    """A plot script given bad input: `exit_code`, and one line on stderr, from the script, naming `named`."""
    done = run([opts.python, script, *args])
    program = os.path.basename(script)
    if done.returncode != exit_code:
        fail(f"{program} {' '.join(args)}: exit code {done.returncode}, expected {exit_code}")
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    if len(lines) != 1 or not lines[0].startswith(program + ":"):
        fail(f"{program} {' '.join(args)}: expected one line on stderr from {program}, got {lines}")
    for text in named:
        if text not in lines[0]:
            fail(f"{program} {' '.join(args)}: the message does not name {text!r}: {lines[0]}")


def mpi_run(opts, exe, np, args):
    command = opts.mpiexec + [opts.numproc_flag, str(np)] + opts.preflags + [exe] + args
    done = launch_bounded(command, opts.launch_timeout)
    if done.returncode != 0:
        fail(f"{os.path.basename(exe)}: exit code {done.returncode}")


def check_reports(opts, tmp):
    runs = {"plain": [], "drift": ["--rounds", "4", "--interval", "100ms", "--drift-ppm", "50"]}
    for name, extra in runs.items():
        report = os.path.join(tmp, f"{name}.json")
        mpi_run(opts, opts.exe, opts.np, ["--quiet", "--json", report, *extra])
        with open(report, encoding="utf-8") as f:
            drift_corrected = json.load(f)["drift_corrected"]
        png = os.path.join(tmp, f"{name}.png")
        said = plotted([opts.python, PLOT_REPORT, report, "-o", png], png, f"plot_report.py on the {name} run")
        # the script names the panels it drew ("wrote FILE (panels: a, b, ...)"): the drift fit exactly where
        # the report has one, the rounds where there are several
        found = re.search(r"\(panels: ([^)]*)\)", said)
        if not found:
            fail(f"plot_report.py on the {name} run: no list of the panels drawn in {said.strip()!r}")
        panels = set(found.group(1).split(", "))
        expected = {"before", "after"} | ({"rounds", "drift"} if drift_corrected else set())
        if not expected <= panels or ("drift" in panels) != drift_corrected:
            fail(f"the {name} run (drift_corrected {drift_corrected}): panels {sorted(panels)}, expected "
                 f"{sorted(expected)}" + ("" if drift_corrected else " and no drift"))
        if drift_corrected and not any(p.startswith("later ") for p in panels):
            fail(f"the {name} run: no panel of the errors at the later instants in {sorted(panels)}")
    return os.path.join(tmp, "plain.json")


def check_bad_input(opts, tmp, good_report):
    missing = os.path.join(tmp, "no-such-report.json")
    out = os.path.join(tmp, "bad.png")
    expect_refused(opts, PLOT_REPORT, [missing, "-o", out], 2, [missing, "no such file"])
    cases = {"not-json.json": ("not json", ["not JSON"]),
             "empty-object.json": ("{}", ['"format"']),
             "other-format.json": (json.dumps({"format": "something_else/3", "ranks": []}), ["something_else/3"]),
             "no-ranks.json": (json.dumps({"format": "berkeley_mpi/1"}), ['"ranks"'])}
    for file_name, (content, named) in cases.items():
        path = os.path.join(tmp, file_name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(content)
        expect_refused(opts, PLOT_REPORT, [path, "-o", out], 2, [path, *named])
    if os.path.exists(out):
        fail("a refused report still left a PNG behind")
    unwritable = os.path.join(tmp, "no-such-dir", "run.png")
    expect_refused(opts, PLOT_REPORT, [good_report, "-o", unwritable], 3, [unwritable])
    # a berkeley_mpi report is not a berkeley_bench one
    expect_refused(opts, PLOT_BENCH, [good_report, "-o", out], 2, [good_report, "berkeley_bench"])
    done = run([opts.python, PLOT_REPORT, "--help"])
    if done.returncode != 0 or "example" not in done.stdout.lower():
        fail("plot_report.py --help: exit 0 with an example expected")


def check_bench(opts, tmp):
    report = os.path.join(tmp, "bench-2.json")
    # --later 100ms: each probed sync waits that long for its second look (1 s by default)
    mpi_run(opts, opts.bench, 2, ["--syncs", "5", "--probes", "2", "--later", "100ms", "--json", report])
    png = os.path.join(tmp, "methods.png")
    plotted([opts.python, PLOT_BENCH, report, "-o", png], png, "plot_bench.py")
    done = run([opts.python, PLOT_BENCH, "--help"])
    if done.returncode != 0 or "example" not in done.stdout.lower():
        fail("plot_bench.py --help: exit 0 with an example expected")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_launch_arguments(parser)
    parser.add_argument("--bench", required=True, help="the berkeley_bench program")
    parser.add_argument("--python", default="/usr/bin/python3", help="the Python that runs the plot scripts")
    parser.set_defaults(np=4)
    opts = parse_launch_options(parser)
    try:
        probe = subprocess.run([opts.python, "-c", "import matplotlib"], capture_output=True, text=True, timeout=60)
        reason = (probe.stderr.strip().splitlines() or ["?"])[-1] if probe.returncode != 0 else None
    except (OSError, subprocess.TimeoutExpired) as e:
        reason = str(e)
    if reason is not None:
        print(f"SKIP: {opts.python} cannot import matplotlib ({reason}; apt: python3-matplotlib)")
        sys.exit(SKIP)
    with tempfile.TemporaryDirectory() as tmp:
        good_report = check_reports(opts, tmp)
        check_bad_input(opts, tmp, good_report)
        check_bench(opts, tmp)
    print("PASS")


if __name__ == "__main__":
    main()
