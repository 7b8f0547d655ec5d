#!/usr/bin/env python3
"""One sync group of MPI ranks and TCP clients (berkeley_mpi --serve-tcp), end to end (standard library only).

  check_mixed_group.py run     --np N --clients K [--method M] : N ranks and K berkeley_client processes in one
                                  group: one average over all N + K clocks, every participant in the report with
                                  its transport, each within its stated bound of the master (the truth: all read
                                  one CLOCK_MONOTONIC at the shared instant), each estimate within its stated
                                  uncertainty, the audit holding the truth
  check_mixed_group.py silent  --np N : K good clients and one that joins but never answers: it is left out of
                                  every round after --timeout, the ranks and the others finish within their bounds
  check_mixed_group.py killed  --np N : a client that answers its first poll and hangs up mid-round: left out,
                                  the others finish within their bounds
  check_mixed_group.py too-few --np N : fewer clients than --serve-tcp N within --join-timeout: exit 5 on every
                                  rank, one message, no hang
  check_mixed_group.py precision-gate --np N : --require-precision covers the clients (exit 4 on every rank
                                  below what the audit proves, 0 above)
  check_mixed_group.py keyed   --np N --clients K : --key-file on both sides (BERKELEY/2): the same group and
                                  claims; a key file others can read: exit 2 on every rank, one message
  check_mixed_group.py drift   --np N --clients K : drifting clocks (ranks and clients), 5 rounds 50 ms apart:
                                  the clients are fitted with the ranks and sent offsets only (rate 0), every
                                  participant within its stated bound at the instant, and each client's bound
                                  1 s and 10 s later grows with its fitted drift (the truth there is not known:
                                  a client is read at the shared instant only, and the agreed time needs all;
                                  tests/mpi's WithDriftCorrection checks it on in-process guests)

Loopback only (port 0: the program prints the port it got). Every process is bounded in time and stopped,
with all it started, whatever happens.
"""
import argparse
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
sys.path.insert(0, os.path.join(HERE, "..", "tcp"))
sys.path.insert(0, HERE)
from check_berkeley_mpi import add_launch_arguments, parse_launch_options  # noqa: E402
from foreign_client import HandClient  # noqa: E402
from report_claims import (audit_problems, coarse_cap_problems, estimate_problems, later_bound_problems,  # noqa: E402
                           stated_bound_problems)
from script_checks import fail, stop_session  # noqa: E402

SEED = 7          # the ranks' clocks
CLIENT_SEED = 11  # the clients' (client i and rank i would draw the same offset with one seed)
TIMEOUT = "300ms"  # --timeout: what a silent or gone client costs per measuring pass


class Job:
    """mpiexec berkeley_mpi --serve-tcp ..., its output read line by line; in its own session so that
    stop() takes down everything it started."""

    def __init__(self, opts, np, args):
        self.command = opts.mpiexec + [opts.numproc_flag, str(np)] + opts.preflags + [opts.exe] + args
        print("+", " ".join(self.command), flush=True)
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        errors="replace", start_new_session=True)
        self.lines = queue.Queue()
        self.out, self.err = [], []
        threading.Thread(target=self._pump, args=(self.process.stdout, self.out, True), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.process.stderr, self.err, False), daemon=True).start()

    def _pump(self, stream, keep, announce):
        for line in iter(stream.readline, ""):
            keep.append(line.rstrip("\n"))
            if announce:
                self.lines.put(line)

    def port(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            match = re.search(r"serving TCP clients on 127\.0\.0\.1:(\d+),", line)
            if match:
                return int(match.group(1))
        self.stop()
        fail(f"no 'serving TCP clients on' line within {timeout} s\n{self.dump()}")

    def finish(self, timeout):
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            fail(f"berkeley_mpi still running after {timeout} s (a hang)\n{self.dump()}")
        time.sleep(0.1)  # the pumps read the last lines
        return self.process.returncode

    def stop(self):
        stop_session(self.process, grace_s=2)

    def dump(self):
        return "--- stdout:\n" + "\n".join(self.out) + "\n--- stderr:\n" + "\n".join(self.err)


def start_client(opts, port, client_id):
    return subprocess.Popen([opts.client, "--id", str(client_id), "--port", str(port), "--seed", str(CLIENT_SEED),
                             "--timeout", "10s", "-q"] + getattr(opts, "client_args", []), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def finish_clients(clients, timeout):
    for client in clients:
        try:
            out, _ = client.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_session(client, grace_s=1)
            fail("a berkeley_client is still running after the job ended")
        if client.returncode != 0:
            fail(f"berkeley_client exited {client.returncode}: {out}")


def group_args(clients, json_path, method, rounds=2, join_timeout="30s", interval="20ms"):
    return ["--serve-tcp", str(clients), "--port", "0", "--timeout", TIMEOUT, "--join-timeout", join_timeout,
            "--seed", str(SEED), "--rounds", str(rounds), "--interval", interval, "--method", method,
            "--json", json_path]


def check_group(report, np, clients, left_out=0):
    """The promises of one group's report: np ranks then `clients` synchronized clients, one average."""
    ranks = report["ranks"]
    transports = [r["transport"] for r in ranks]
    if transports != ["mpi"] * np + ["tcp"] * clients:
        fail(f"transports {transports}: expected {np} mpi then {clients} tcp")
    if [r["rank"] for r in ranks[:np]] != list(range(np)):
        fail(f"ranks {[r['rank'] for r in ranks[:np]]}")
    if len(report["left_out"]) != left_out:
        fail(f"left out: {report['left_out']}, expected {left_out}")
    # one average over ranks and clients in round 1; from round 2 on a member measured much worse than the
    # majority may be left out (synchronized tolerance, docs/security.md: the load decides), never the majority
    for summary in report["rounds"]:
        averaged = summary["clocks_averaged"]
        if (averaged != np + clients) if summary["round"] == 1 else not (np + clients < 2 * averaged <= 2 * (np + clients)):
            fail(f"round {summary['round']}: {averaged} clocks averaged, expected one average over all "
                 f"{np + clients} (from round 2: more than half)")
    problems = stated_bound_problems(report) + estimate_problems(report) + audit_problems(report)
    if np + clients >= 2:
        problems += coarse_cap_problems(report)
    if problems:
        fail("; ".join(problems))
    print(f"{np} ranks + {clients} clients: spread before {report['spread_before_ns']} ns, after "
          f"{report['spread_after_ns']} ns (stated bound {report['spread_after_bound_ns']} ns); every participant "
          f"within its bound, the audit holds the truth")


def run_group(opts, np, good, hand=None, expect_exit=0):
    """A job with `good` berkeley_clients (ids 1..good) and optionally one hand-played client (id 9) driven by
    hand(HandClient); returns the job's report (None when it fails as expected) and the job."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "report.json")
        clients = good + (1 if hand else 0)
        job = Job(opts, np, group_args(clients, path, opts.method, rounds=getattr(opts, "rounds", 2),
                                       interval=getattr(opts, "interval", "20ms")) + getattr(opts, "exe_args", []))
        started = []
        try:
            port = job.port(30)
            started = [start_client(opts, port, i) for i in range(1, good + 1)]
            if hand:
                hand(port)
            code = job.finish(opts.launch_timeout)
            if code != expect_exit:
                fail(f"exit code {code}, expected {expect_exit}\n{job.dump()}")
            finish_clients(started, 15)
            if expect_exit != 0:
                return None, job
            with open(path, encoding="utf-8") as f:
                return json.load(f), job
        finally:
            job.stop()
            for client in started:
                if client.poll() is None:
                    stop_session(client, grace_s=1)


def check_run(opts):
    report, job = run_group(opts, opts.np, opts.clients)
    check_group(report, opts.np, opts.clients)
    if sum("spread before:" in line for line in job.out) != 1:
        fail("the summary line must appear exactly once (rank 0 only)")
    if not any(f"{opts.clients} clients measured" in line for line in job.out):
        fail("no level line counting the TCP clients measured\n" + job.dump())
    print("PASS")


def check_precision_gate(opts):
    """--require-precision covers the clients: a gate the audit cannot prove (1 ns) fails with exit 4 on every
    rank, naming a member; one it proves passes."""
    report, _ = run_group(opts, opts.np, opts.clients)
    proven = report["audit_max_bound_ns"]
    if proven is None:
        fail("the audit proved no bound over the group")
    for gate, expected in ((1, 4), (2 * proven + 1_000_000, 0)):
        opts_gate = argparse.Namespace(**vars(opts))
        opts_gate.exe_args = ["--require-precision", f"{gate}ns"]
        gated, job = run_group(opts_gate, opts.np, opts.clients, expect_exit=expected)
        if expected == 4 and sum("--require-precision" in line and "not met" in line for line in job.err) != 1:
            fail(f"exit 4 without one line saying which member missed the gate\n{job.dump()}")
        if expected == 0 and not gated["precision_met"]:
            fail(f"a gate of {gate} ns, twice what the audit proved, was not met")
    print(f"PASS: the audit proved every clock within {proven} ns; 1 ns failed with exit 4, {2 * proven + 1_000_000} "
          f"ns passed")


def check_drift(opts):
    """Drift correction over the whole group: every clock drifts (up to 50 ppm), the clients are fitted and
    sent their offset only."""
    opts.rounds, opts.interval = 5, "50ms"
    opts.exe_args = ["--drift-ppm", "50"]
    opts.client_args = ["--drift-ppm", "50"]
    report, _ = run_group(opts, opts.np, opts.clients)
    check_group(report, opts.np, opts.clients)
    if report.get("drift_corrected") is not True or len(report.get("later_ns") or []) == 0:
        fail(f"no drift correction in the report (drift_corrected {report.get('drift_corrected')}, later_ns "
             f"{report.get('later_ns')})")
    problems = later_bound_problems(report)
    for r in report["ranks"]:
        if r["transport"] != "tcp":
            continue
        if r["rate_applied_ppm"] != 0:
            problems.append(f"client {r['rank']}: a rate of {r['rate_applied_ppm']} ppm, but clients take offsets only")
        if any(m is not None for m in r["measured_error_ns"]):
            problems.append(f"client {r['rank']}: an error measured at a later instant it was never read at")
        # kept its own rate: 10 s on, its bound holds at least what its fitted drift from the master parts it by
        # (less the fit's own uncertainty)
        last = report["later_ns"][-1]
        parting_ns = max(0.0, abs(r["drift_ppm"]) - r["drift_uncertainty_ppm"]) * 1e-6 * last
        if r["later_bound_ns"][-1] < parting_ns:
            problems.append(f"client {r['rank']}: bound {r['later_bound_ns'][-1]} ns at +{last} ns, below the "
                            f"{parting_ns:.0f} ns its fitted drift alone moves it")
    if problems:
        fail("; ".join(problems))
    clients = [r for r in report["ranks"] if r["transport"] == "tcp"]
    print("PASS: " + ", ".join(f"client {r['rank']} drift {r['drift_ppm']:.1f} ppm, bound "
                               f"{r['offset_after_bound_ns']} ns now, {r['later_bound_ns'][-1]} ns at "
                               f"+{report['later_ns'][-1] // 10**9} s" for r in clients))


def expect_refusal(job, code, expected_code, needle, what):
    """A job that had to fail: exit `expected_code` on every rank and exactly one message holding `needle`;
    returns that message."""
    if code != expected_code:
        fail(f"{what}: exit code {code}, expected {expected_code}\n{job.dump()}")
    messages = [line for line in job.err if needle in line]
    if len(messages) != 1:
        fail(f"{what}: expected one message holding {needle!r}\n{job.dump()}")
    return messages[0]


def check_keyed(opts):
    """--key-file: the clients join keyed (BERKELEY/2) and the group is the same; a key file others can read
    is refused on every rank with exit 2 and one message naming it."""
    with tempfile.TemporaryDirectory() as tmp:
        key = os.path.join(tmp, "group.key")
        with open(key, "w", encoding="utf-8") as f:
            f.write(os.urandom(32).hex() + "\n")
        os.chmod(key, 0o600)
        opts.exe_args = ["--key-file", key]
        opts.client_args = ["--key-file", key]
        report, job = run_group(opts, opts.np, opts.clients)
        check_group(report, opts.np, opts.clients)
        os.chmod(key, 0o644)
        shared = Job(opts, opts.np, group_args(opts.clients, os.path.join(tmp, "r.json"), "pingpong") +
                     ["--key-file", key])
        try:
            code = shared.finish(opts.launch_timeout)
        finally:
            shared.stop()
    said = expect_refusal(shared, code, 2, "(mode 0644): chmod 600 it", "a key file of mode 0644")
    print(f"PASS: keyed group held every claim; {said}")


def hand_client(port, behaviour):
    """Client 9, played by hand in a thread: it joins, then `behaviour(client)`."""
    def play():
        client = HandClient(port)
        try:
            client.send("HELLO BERKELEY/1 9")
            behaviour(client)
        except (OSError, TimeoutError):
            pass
        finally:
            client.close()
    thread = threading.Thread(target=play, daemon=True)
    thread.start()
    return thread


def check_silent(opts):
    def silent(client):
        while client.recv_line(60) is not None:  # hears every line, answers none
            pass
    report, job = run_group(opts, opts.np, opts.clients, hand=lambda port: hand_client(port, silent))
    check_group(report, opts.np, opts.clients, left_out=1)
    if not report["left_out"][0].startswith("client 9: not synchronized (no answer in any round: no answer within"):
        fail(f"left out: {report['left_out']}")
    print("PASS")


def check_killed(opts):
    def answers_once_then_hangs_up(client):
        while True:
            line = client.recv_line(60)
            if line is None:
                return
            if line.startswith("POLL "):
                client.send(f"TIME {line.split()[1]} {time.monotonic_ns()}")
                return  # mid-round: the master is still measuring this client
    report, job = run_group(opts, opts.np, opts.clients,
                            hand=lambda port: hand_client(port, answers_once_then_hangs_up))
    check_group(report, opts.np, opts.clients, left_out=1)
    if not report["left_out"][0].startswith("client 9: ") or "disconnected" not in report["left_out"][0]:
        fail(f"left out: {report['left_out']}")
    print("PASS")


def check_too_few(opts):
    with tempfile.TemporaryDirectory() as tmp:
        job = Job(opts, opts.np, group_args(2, os.path.join(tmp, "r.json"), "pingpong", join_timeout="1s"))
        try:
            port = job.port(30)
            client = start_client(opts, port, 1)
            code = job.finish(opts.launch_timeout)
            client.communicate(timeout=15)
        finally:
            job.stop()
    print("PASS: " + expect_refusal(job, code, 5, "only 1 of 2 TCP clients joined within 1",
                                    "fewer clients than --serve-tcp"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("check", choices=["run", "silent", "killed", "too-few", "precision-gate", "drift", "keyed"])
    add_launch_arguments(parser)
    parser.add_argument("--client", required=True, help="the berkeley_client program")
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--method", default="pingpong")
    opts = parse_launch_options(parser)
    checks = {"run": check_run, "silent": check_silent, "killed": check_killed, "too-few": check_too_few,
              "precision-gate": check_precision_gate, "drift": check_drift, "keyed": check_keyed}
    checks[opts.check](opts)


if __name__ == "__main__":
    main()
