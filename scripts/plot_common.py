"""What the plotting scripts (plot_report.py, plot_bench.py) share: naming the script in its messages, exiting
with a message, reading a JSON input, durations as people read them, the command line and writing the figure.

Not a program: each script imports it from its own folder (scripts/, or the prefix's bin/ once installed).
Exit codes: EXIT_INPUT an input is missing, not JSON or not a report the script can draw; EXIT_OUTPUT the
output cannot be written; 1 matplotlib missing.
"""
import argparse
import json
import math
import os
import sys

EXIT_INPUT = 2
EXIT_OUTPUT = 3
DPI = 100
NUMBER = (int, float)
UNITS = [("ns", 1.0), ("µs", 1e3), ("ms", 1e6), ("s", 1e9)]

# the script that was run, as its messages name it: set by name_program()
PROGRAM = None


class InputError(Exception):
    """An input is not a report the script can draw: exit EXIT_INPUT."""


def name_program(default):
    """Names the script in its messages (die, argparse): the file that was run, `default` where sys.argv names
    none. Returns the name."""
    global PROGRAM
    PROGRAM = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else default
    return PROGRAM


def die(message, code):
    print(f"{PROGRAM}: {message}", file=sys.stderr)
    sys.exit(code)


def read_json(path):
    """The JSON document in the file `path`; InputError where it cannot be read or is not JSON."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file")
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a report")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read: {e}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: not JSON ({e})")


def load_or_die(load, path):
    """load(path), or exit EXIT_INPUT with the InputError's message."""
    try:
        return load(path)
    except InputError as e:
        die(str(e), EXIT_INPUT)


# --- numbers and units ---------------------------------------------------------------------------------------

def unit_for(values_ns):
    """The unit that shows the largest of `values_ns` as 1..999 (ns at the least)."""
    largest = max((abs(v) for v in values_ns if v is not None and math.isfinite(v)), default=0.0)
    chosen = UNITS[0]
    for name, scale in UNITS:
        if largest >= scale:
            chosen = (name, scale)
    return chosen


def duration(ns):
    """A duration as people read it: 457.8 ms, 21.1 µs, 31 ns."""
    if ns is None:
        return "–"
    name, scale = unit_for([ns])
    if scale == 1.0:
        return f"{ns:.0f} ns"
    return f"{ns / scale:.4g} {name}"


# --- the command line and the figure ------------------------------------------------------------------------

def argument_parser(doc):
    """A parser that describes the script by its docstring `doc`: the first paragraph above the arguments, from
    the third on (the example, the panels, the exit codes) below them."""
    return argparse.ArgumentParser(prog=PROGRAM, description=doc.split("\n\n")[0],
                                   epilog=doc.split("\n\n", 2)[2],
                                   formatter_class=argparse.RawDescriptionHelpFormatter)


def pyplot():
    """matplotlib.pyplot on the Agg backend; exit 1 where matplotlib cannot be imported."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        die(f"cannot import matplotlib under {sys.executable} ({e}): run with /usr/bin/python3 "
            "(apt: python3-matplotlib)", 1)
    return plt


def save(fig, output):
    """Writes `fig` to `output` in the format its name ends with and closes it; exit EXIT_OUTPUT where it
    cannot be written."""
    import matplotlib.pyplot as plt
    try:
        fig.savefig(output, dpi=DPI, format=image_format(output))
    except (OSError, ValueError) as e:
        die(f"cannot write {output}: {e}", EXIT_OUTPUT)
    finally:
        plt.close(fig)


def image_format(path):
    """By the name's ending (png, svg, pdf); PNG otherwise, written to exactly that name (matplotlib would add
    ".png" to a name without one)."""
    ending = os.path.splitext(path)[1].lower().lstrip(".")
    return ending if ending in ("png", "svg", "pdf") else "png"
