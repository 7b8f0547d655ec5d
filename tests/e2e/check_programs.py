#!/usr/bin/env python3
"""Every program answers --help with an example line and --version with its name, the project version, the
git revision and its MPI library (or that it uses none); both exit 0 and print on stdout only.

  check_programs.py --version V --mpiexec M --numproc-flag F [--preflags A,B] --mpi PROGRAM... --plain PROGRAM...
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from script_checks import fail, launch  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", required=True)
    parser.add_argument("--mpiexec", required=True)
    parser.add_argument("--numproc-flag", default="-n")
    parser.add_argument("--preflags", default="")
    parser.add_argument("--mpi", nargs="*", default=[], help="programs run under mpiexec -n 1")
    parser.add_argument("--plain", nargs="*", default=[], help="programs run directly")
    opts = parser.parse_args()
    preflags = [f for f in opts.preflags.split(",") if f]
    programs = [(p, True) for p in opts.mpi] + [(p, False) for p in opts.plain]
    if not programs:
        fail("no programs given")
    for path, uses_mpi in programs:
        name = os.path.basename(path)
        prefix = [opts.mpiexec, opts.numproc_flag, "1", *preflags] if uses_mpi else []
        done = launch(prefix + [path, "--help"], 60)
        if done.returncode != 0 or done.stderr.strip():
            fail(f"{name} --help: exit {done.returncode}, stderr {done.stderr!r}")
        if "Example" not in done.stdout or "--version" not in done.stdout:
            fail(f"{name} --help has no example line or does not list --version")
        done = launch(prefix + [path, "--version"], 60)
        lines = done.stdout.splitlines()
        if done.returncode != 0 or len(lines) != 2:
            fail(f"{name} --version: exit {done.returncode}, printed {done.stdout!r}")
        if not re.fullmatch(rf"{re.escape(name)} {re.escape(opts.version)} \(git [^)]+\)", lines[0]):
            fail(f"{name} --version: first line {lines[0]!r} is not '{name} {opts.version} (git …)'")
        names_mpi = lines[1].startswith("MPI: ") and "not used" not in lines[1]
        if names_mpi != uses_mpi or not lines[1].startswith("MPI: "):
            fail(f"{name} --version: second line {lines[1]!r} (an MPI program names its library, others say none)")
        print(f"{name}: --help has an example; --version: {lines[0]} | {lines[1]}")
    print(f"{len(programs)} programs: ok")


if __name__ == "__main__":
    main()
