#!/usr/bin/env python3
"""The installed library, as another project uses it (Python standard library only).

  check_install.py --build-dir B --source-dir S --mpiexec M --numproc-flag F [--preflags A,B] --np N

1. `cmake --install B --prefix P` into a fresh temporary prefix;
2. only public headers there: <berkeley_mpi.hpp> and what it includes (no cli/, transport/tcp/, bench/, apps/
   header, no report writer), and every header an installed one includes installed too;
3. a consumer project (tests/install/consumer: find_package(berkeley_mpi), one target) configured with
   CMAKE_PREFIX_PATH=P and built, run under mpiexec at N ranks: its clocks within the stated bounds, and the
   offsets file of the installed berkeley_mpi read and mapped with ClockMapping::to_global;
4. the installed programs answer --version with the project version and the MPI library.
Every step bounded in time; the prefix is removed whatever happens.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from script_checks import fail, launch  # noqa: E402

# headers that are the programs' or the transports' insides: never installed
PRIVATE_PREFIXES = ("cli/", "transport/tcp/", "bench/", "apps/", "report/json_writer", "report/table_writer",
                    "report/report_builder", "transport/mpi/doorbells", "sim/")


def run(command, timeout_s, what, cwd=None):
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout_s)
    if done.returncode != 0:
        fail(f"{what}: exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def installed_headers(prefix):
    root = os.path.join(prefix, "include", "berkeley_mpi")
    headers = []
    for folder, _, files in os.walk(root):
        for name in files:
            headers.append(os.path.relpath(os.path.join(folder, name), root))
    return root, sorted(headers)


def check_headers(prefix, source_dir):
    root, headers = installed_headers(prefix)
    if "berkeley_mpi.hpp" not in headers or "transport/mpi/synchronize.hpp" not in headers:
        fail(f"the API headers are not installed under {root}: {headers}")
    private = [h for h in headers if h.startswith(PRIVATE_PREFIXES)]
    if private:
        fail(f"internal headers installed: {private}")
    # the closure: every header an installed header includes (quoted) is installed too
    for header in headers:
        with open(os.path.join(root, header), encoding="utf-8") as f:
            for included in re.findall(r'^#include "([^"]+)"', f.read(), re.M):
                if included not in headers:
                    fail(f"{header} includes {included}, which is not installed")
    total = sum(1 for _, _, files in os.walk(os.path.join(source_dir, "src")) for f in files if f.endswith(".hpp"))
    print(f"installed {len(headers)} of the {total} headers of src/: {', '.join(headers)}")
    return headers


def check_consumer(opts, prefix, work):
    consumer_src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "consumer")
    consumer_build = os.path.join(work, "consumer-build")
    # the prefix alone: no path into the source or build tree of berkeley_mpi reaches the consumer
    run(["cmake", "-S", consumer_src, "-B", consumer_build, f"-DCMAKE_PREFIX_PATH={prefix}",
         "-DCMAKE_BUILD_TYPE=Release"], 300, "configuring the consumer")
    run(["cmake", "--build", consumer_build, "-j", "2"], 600, "building the consumer")
    flags = os.path.join(consumer_build, "CMakeFiles", "consumer.dir", "flags.make")
    with open(flags, encoding="utf-8") as f:
        text = f.read()
    for tree in (opts.source_dir, opts.build_dir):
        if os.path.realpath(tree) in text:
            fail(f"the consumer compiles with a path into {tree}: {text}")
    offsets = os.path.join(work, "offsets.json")
    program = os.path.join(prefix, "bin", "berkeley_mpi")
    done = launch(opts.mpiexec + [opts.numproc_flag, str(opts.np)] + opts.preflags +
                  [program, "--quiet", "--offsets", offsets], 120)
    if done.returncode != 0:
        fail(f"the installed berkeley_mpi --offsets: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
    done = launch(opts.mpiexec + [opts.numproc_flag, str(opts.np)] + opts.preflags +
                  [os.path.join(consumer_build, "consumer"), offsets], 120)
    print(done.stdout, end="")
    if done.returncode != 0 or "consumer: ok" not in done.stdout:
        fail(f"the consumer failed: exit {done.returncode}\n{done.stderr}")
    if f"{opts.np} participants" not in done.stdout:
        fail(f"the consumer did not read {opts.np} participants from the offsets file")


def check_versions(opts, prefix):
    version = opts.version
    done = launch(opts.mpiexec + [opts.numproc_flag, "1"] + opts.preflags +
                  [os.path.join(prefix, "bin", "berkeley_mpi"), "--version"], 60)
    lines = done.stdout.splitlines()
    if done.returncode != 0 or len(lines) != 2 or not lines[0].startswith(f"berkeley_mpi {version} (git "):
        fail(f"berkeley_mpi --version: exit {done.returncode}, printed {done.stdout!r}")
    if not lines[1].startswith("MPI: ") or "not used" in lines[1]:
        fail(f"berkeley_mpi --version does not name the MPI library: {lines[1]!r}")
    print(f"berkeley_mpi --version: {lines[0]} / {lines[1]}")
    for name in ("berkeley_master", "berkeley_client"):
        path = os.path.join(prefix, "bin", name)
        if not os.path.exists(path):
            continue
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        if done.returncode != 0 or not done.stdout.startswith(f"{name} {version} (git "):
            fail(f"{name} --version: exit {done.returncode}, printed {done.stdout!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--version", required=True, help="the project version the programs must print")
    parser.add_argument("--mpiexec", required=True)
    parser.add_argument("--numproc-flag", default="-n")
    parser.add_argument("--preflags", default="")
    parser.add_argument("--np", type=int, default=2)
    opts = parser.parse_args()
    opts.mpiexec = [opts.mpiexec]
    opts.preflags = [f for f in opts.preflags.split(",") if f]
    work = tempfile.mkdtemp(prefix="berkeley_install_")
    try:
        prefix = os.path.join(work, "prefix")
        run(["cmake", "--install", opts.build_dir, "--prefix", prefix], 120, "cmake --install")
        check_headers(prefix, opts.source_dir)
        check_versions(opts, prefix)
        check_consumer(opts, prefix, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("install: ok")


if __name__ == "__main__":
    main()
