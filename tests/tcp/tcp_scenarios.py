#!/usr/bin/env python3
"""End-to-end scenarios of the TCP transport, one per ctest: the real berkeley_master on port 0 (loopback),
real berkeley_client processes, scripts/launch_clients.py, and hand-played clients (foreign_client.py) for
every fault of issue 4. Every wait is bounded; every process started here is stopped here.

  tcp_scenarios.py SCENARIO --master PATH --client PATH --launcher PATH
"""

import argparse
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from foreign_client import HandClient, play_session  # noqa: E402  (test code, not project code)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "support"))
from script_checks import TIME_NAMESPACE_BEHIND, time_namespace_unavailable  # noqa: E402

SKIP = 77
TOOLS = None  # set in main: master, client, launcher paths


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Process:
    """A child with its stdout and stderr collected line by line (never blocks on a full pipe)."""

    def __init__(self, argv, env=None):
        self.argv = [str(a) for a in argv]
        self.started = time.monotonic()
        self.popen = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True, errors="replace", env=env)
        self.out, self.err = [], []
        self.changed = threading.Condition()
        self.readers = [threading.Thread(target=self._pump, args=(s, l), daemon=True)
                        for s, l in ((self.popen.stdout, self.out), (self.popen.stderr, self.err))]
        for reader in self.readers:
            reader.start()
        PROCESSES.append(self)

    def _pump(self, stream, lines):
        for line in iter(stream.readline, ""):
            with self.changed:
                lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        stream.close()

    def wait_for(self, pattern, timeout, stream="out"):
        """The first line matching pattern, waiting at most timeout seconds."""
        regex = re.compile(pattern)
        lines = self.out if stream == "out" else self.err
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for line in lines:
                    match = regex.search(line)
                    if match:
                        return match
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise Failure(f"{Path(self.argv[0]).name}: no line matching {pattern!r} within {timeout} s\n"
                                  + self.dump())
                self.changed.wait(min(remaining, 0.1))

    def finish(self, timeout):
        """Exit code, waiting at most timeout seconds (then the process is killed and that is a failure)."""
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
            raise Failure(f"{Path(self.argv[0]).name} still running after {timeout} s\n" + self.dump()) from None
        for reader in self.readers:
            reader.join(timeout=2)
        return self.popen.returncode

    def elapsed(self):
        return time.monotonic() - self.started

    def text(self, stream="out"):
        return "\n".join(self.out if stream == "out" else self.err)

    def dump(self):
        return (f"--- {' '.join(self.argv)}\n--- stdout:\n{self.text()}\n--- stderr:\n{self.text('err')}\n")


PROCESSES = []


def stop_all():
    for process in PROCESSES:
        if process.popen.poll() is None:
            process.popen.kill()
            process.popen.wait()


def start_master(clients, *options):
    master = Process([TOOLS.master, clients, "--port", "0", *options])
    port = int(master.wait_for(r"listening on 127\.0\.0\.1:(\d+),", 10).group(1))
    return master, port


def start_client(port, client_id, *options, timeout="5s"):
    return Process([TOOLS.client, "--id", client_id, "--port", port, "--timeout", timeout, *options])


def expect_exit(process, expected, timeout, what):
    code = process.finish(timeout)
    check(code == expected, f"{what}: exit {code}, expected {expected}\n" + process.dump())


def table_rows(master):
    """{client id: residual in µs} from the master's table."""
    rows = {}
    for line in master.out:
        match = re.match(r"\s*(\d+)\s+\S+\s+-?\d+\.\d{9}\s+(-?\d+\.\d+)\s+(-?\d+\.\d+)\s+-?\d+\.\d{9}\s+(-?\d+\.\d+)", line)
        if match:
            rows[int(match.group(1))] = float(match.group(4))
    return rows


def expect_bound_ok(master):
    match = master.wait_for(r"bound: every clock within (\d+) ns .* measured max \|residual\| (\d+) ns .*: (ok|EXCEEDED)", 1)
    bound, residual, verdict = int(match.group(1)), int(match.group(2)), match.group(3)
    check(verdict == "ok" and residual <= bound, f"residual {residual} ns outside the bound {bound} ns\n" + master.dump())
    return bound, residual


def check_correction_signs(report, bound):
    """A clock behind the average moves forward, one ahead moves back, by its distance from the average."""
    offsets = [r["offset_before_ns"] for r in report["ranks"]]
    average = sum(offsets) / len(offsets)
    for r in report["ranks"]:
        expected = average - r["offset_before_ns"]
        check(abs(r["correction_ns"] - expected) <= bound,
              f"client {r['rank']}: correction {r['correction_ns']} ns, expected {expected:.0f} ns ± {bound}")


def good_clients(port, ids, *options):
    return [start_client(port, i, *options) for i in ids]


def finish_good(clients, timeout=15):
    for client in clients:
        expect_exit(client, 0, timeout, "a well-behaved client")


# ---------------------------------------------------------------------------------------------------------
# the sync itself


def sync_three_with_launcher():
    """berkeley_master 3 + scripts/launch_clients.py 3: every clock ends within the stated bound."""
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        master, port = start_master(3, "--rounds", "2", "--interval", "100ms", "--json", report_path)
        launcher = Process([sys.executable, TOOLS.launcher, 3, "--port", port, "--client", TOOLS.client, "--seed", 1])
        expect_exit(launcher, 0, 30, "launch_clients.py 3")
        expect_exit(master, 0, 15, "berkeley_master 3")
        for i in (1, 2, 3):
            check(any(line.startswith(f"[client {i}] round 1: clock before") for line in launcher.out),
                  f"no prefixed 'round 1' line of client {i}\n" + launcher.dump())
            check(any(line.startswith(f"[client {i}] session over") for line in launcher.out),
                  f"client {i} did not report the end\n" + launcher.dump())
        check("all 3 clients exited 0" in launcher.text(), launcher.dump())
        bound, residual = expect_bound_ok(master)
        check(sorted(table_rows(master)) == [0, 1, 2, 3], "table rows\n" + master.dump())
        report = json.loads(report_path.read_text())
        check(report["max_abs_residual_ns"] == residual and report["truth_measured"], json.dumps(report)[:500])
        check(len(report["ranks"]) == 4 and len(report["rounds"]) == 2, "report shape")
        check_correction_signs(report, bound)
        print(f"bound {bound} ns, measured max |residual| {residual} ns, spread before "
              f"{report['spread_before_ns']} ns → after {report['spread_after_ns']} ns")


def foreign_client():
    """A client written from the protocol document alone, playing by hand in Python sockets."""
    master, port = start_master(2, "--rounds", "2", "--interval", "50ms")
    real = start_client(port, 1)
    hand = HandClient(port)
    offset_ns = 250_000_000
    try:
        adjustments = play_session(hand, 7, offset_ns)
    finally:
        print("\n".join(hand.transcript))
        hand.close()
    expect_exit(real, 0, 10, "berkeley_client 1")
    expect_exit(master, 0, 10, "berkeley_master")
    check(len(adjustments) == 2, f"adjustments {adjustments}")
    check(adjustments[0] < 0, f"a clock 250 ms ahead must be moved back, got {adjustments[0]} ns")
    check(sorted(table_rows(master)) == [0, 1, 7], "the foreign client is in the table\n" + master.dump())
    expect_bound_ok(master)
    transcript = "\n".join(hand.transcript)
    for expected in ("> HELLO BERKELEY/1 7", "< WELCOME BERKELEY/1 7 2", "< POLL ", "> TIME ", "< ADJUST 1 -",
                     "< PROBE ", "> READING ", "< BYE "):
        check(expected in transcript, f"transcript lacks {expected!r}")


class NcClient:
    """The same by-hand session through a real `nc` process: nc moves the bytes, the test types the lines."""

    def __init__(self, port):
        self.process = subprocess.Popen(["nc", "127.0.0.1", str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.buffer = b""
        self.transcript = []

    def send(self, line):
        self.transcript.append("> " + line)
        self.process.stdin.write(line.encode("ascii") + b"\n")
        self.process.stdin.flush()

    def recv_line(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"nc: no line within {timeout} s")
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 4096)
                if not chunk:
                    return None
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        self.transcript.append("< " + line.decode("ascii"))
        return line.decode("ascii")

    def close(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def nc_plays_a_client():
    """A real `nc` as the client's connection, the lines typed by this script, as a person would."""
    if subprocess.run(["sh", "-c", "command -v nc"], capture_output=True).returncode != 0:
        print("nc is not installed: skipped")
        sys.exit(SKIP)
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        master, port = start_master(2, "--rounds", "1", "--timeout", "5s", "--json", report_path)
        real = start_client(port, 1)
        nc = NcClient(port)
        try:
            adjustments = play_session(nc, 4, -700_000_000)
        finally:
            print("\n".join(nc.transcript))
            nc.close()
        expect_exit(real, 0, 10, "berkeley_client 1")
        expect_exit(master, 0, 10, "berkeley_master")
        check(sorted(table_rows(master)) == [0, 1, 4], master.dump())
        bound, _ = expect_bound_ok(master)
        report = json.loads(report_path.read_text())
        check_correction_signs(report, bound)
        mine = next(r for r in report["ranks"] if r["rank"] == 4)
        check(len(adjustments) == 1 and abs(adjustments[0] - mine["correction_ns"]) <= bound,
              f"nc's client was told {adjustments}, the report says {mine['correction_ns']}")


def client_on_another_clock():
    """A client whose CLOCK_MONOTONIC is not the master's (a time namespace 1000 s behind): the master's
    instant means nothing on its clock, so it is sent the time left instead and read at about the same moment
    (not refused as 1000 s ahead, nor read 1000 s apart); the report says 2 clock domains, spreads estimated."""
    unavailable = time_namespace_unavailable()
    if unavailable:
        print(f"{unavailable}: skipped")
        sys.exit(SKIP)
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        master, port = start_master(2, "--rounds", "2", "--interval", "50ms", "--timeout", "5s",
                                    "--json", report_path)
        near = start_client(port, 1)
        far = Process([*TIME_NAMESPACE_BEHIND, TOOLS.client, "--id", 2, "--port", port, "--timeout", "5s"])
        expect_exit(near, 0, 20, "client 1")
        expect_exit(far, 0, 20, "client 2, in a time namespace 1000 s behind")
        expect_exit(master, 0, 20, "berkeley_master")
        report = json.loads(report_path.read_text())
        domains = {r["rank"]: r["clock_domain"] for r in report["ranks"]}
        check(sorted(domains) == [0, 1, 2], f"both clients must be read at the instant: rows {sorted(domains)}\n"
              + master.dump())
        check(domains[0] == domains[1] != domains[2] and domains[2].endswith("+-1000.0"),
              f"clock domains {domains}")
        check(report["truth_measured"] is False and report["clock_domains"] == 2 and report["bounds_held"] is None,
              f"truth_measured {report['truth_measured']}, clock domains {report['clock_domains']}, bounds_held "
              f"{report['bounds_held']}: the truth cannot be measured across two clocks")
        check(any("estimated (" in line for line in master.out), "the summary must say the spreads are estimated")
        # the clocks really were 1000 s apart, and were read at about one moment, not 1000 s apart
        check(report["spread_before_ns"] > 900 * 10**9, f"spread before {report['spread_before_ns']} ns")
        check(report["spread_after_ns"] < 10**9, f"spread after {report['spread_after_ns']} ns: read 1000 s apart?")


# ---------------------------------------------------------------------------------------------------------
# faults during the rounds


def silent_client_excluded():
    """A client that never answers is left out of each round after --timeout; the rounds complete. It costs
    one timeout per measuring pass, not one per exchange: it is polled exactly once in each round and once
    in the audit after them (it hears every line the master sends it: an exact count, whatever the load)."""
    rounds = 2
    master, port = start_master(3, "--rounds", rounds, "--interval", "50ms", "--timeout", "200ms",
                                "--audit-exchanges", "8")
    silent = HandClient(port)
    silent.send("HELLO BERKELEY/1 9")
    check(silent.recv_line(5).startswith("WELCOME"), "silent client admitted")
    clients = good_clients(port, (1, 2))
    finish_good(clients)
    expect_exit(master, 0, 15, "berkeley_master with a silent client")
    for round_number in range(1, rounds + 1):
        master.wait_for(rf"round {round_number}: client 9 left out of this round: no answer within 200\.000000 ms", 1)
    master.wait_for(r"left out: client 9: not synchronized", 1)
    check(sorted(table_rows(master)) == [0, 1, 2], master.dump())
    expect_bound_ok(master)
    heard = []  # everything the master sent the silent client after WELCOME, up to its hanging up
    while (line := silent.recv_line(5)) is not None:
        heard.append(line)
    polls = [line for line in heard if line.startswith("POLL ")]
    check(len(polls) == rounds + 1,
          f"the silent client was polled {len(polls)} times in {rounds} rounds and the audit, expected once in "
          f"each (a poll that timed out is not repeated within the pass): {heard}")
    check(heard and heard[-1].startswith("BYE "), f"the session ended without BYE to the silent client: {heard}")
    silent.close()


def disconnect_mid_round():
    """A client that hangs up after its first answer: dropped from the round, the round completes."""
    master, port = start_master(3, "--rounds", "2", "--interval", "50ms", "--timeout", "1s")
    quitter = HandClient(port)
    quitter.send("HELLO BERKELEY/1 9")
    check(quitter.recv_line(5).startswith("WELCOME"), "admitted")
    clients = good_clients(port, (1, 2))
    poll = quitter.recv_line(10)  # members are polled by id: 9 comes last
    check(poll.startswith("POLL "), poll)
    quitter.send(f"TIME {poll.split()[1]} {time.monotonic_ns()}")
    quitter.close()  # mid-round: the master is still measuring this client
    finish_good(clients)
    expect_exit(master, 0, 15, "berkeley_master with a client that hung up")
    master.wait_for(r"client 9 \(127\.0\.0\.1:\d+\): disconnected", 1, "err")
    master.wait_for(r"round 1: client 9 left out of this round: disconnected", 1)
    master.wait_for(r"round 2: client 9 left out of this round: disconnected", 1)
    check(sorted(table_rows(master)) == [0, 1, 2], master.dump())
    expect_bound_ok(master)


def member_sends(reply, reason_pattern, expect_error_line=True):
    """A member answers its first POLL with `reply` (a function of the poll's seq, giving bytes): the master
    drops that connection with a logged reason, serves the others, applies nothing of it."""
    master, port = start_master(3, "--rounds", "2", "--interval", "50ms", "--timeout", "1s")
    bad = HandClient(port)
    bad.send("HELLO BERKELEY/1 9")
    check(bad.recv_line(5).startswith("WELCOME"), "admitted")
    clients = good_clients(port, (1, 2))
    poll = bad.recv_line(10)
    check(poll.startswith("POLL "), poll)
    try:
        bad.send_bytes(reply(int(poll.split()[1])))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the master may hang up before the last byte: that is the point
    if expect_error_line:
        error = bad.recv_line(5)
        check(error is not None and error.startswith("ERROR ") and re.search(reason_pattern, error),
              f"the dropped client should be told why, got {error!r}")
    finish_good(clients)
    expect_exit(master, 0, 15, "berkeley_master after bad input")
    master.wait_for(r"client 9 \(127\.0\.0\.1:\d+\): dropped: .*" + reason_pattern, 1, "err")
    master.wait_for(r"round 1: client 9 left out of this round: dropped: .*" + reason_pattern, 1)
    check(sorted(table_rows(master)) == [0, 1, 2], "the bad client is not in the table\n" + master.dump())
    expect_bound_ok(master)
    check("internal error" not in master.text("err"), master.dump())
    bad.close()


def malformed_line():
    member_sends(lambda seq: f"TIME {seq}  12\n".encode(), r"empty field")


def unknown_command():
    member_sends(lambda seq: b"SETTIME 0\n", r"unknown command 'SETTIME'")


def wrong_version():
    """HELLO in another version: refused before joining; the session goes on with the right ones."""
    master, port = start_master(2, "--rounds", "1")
    other = HandClient(port)
    other.send("HELLO BERKELEY/3 5")
    reply = other.recv_line(5)
    check(reply is not None and reply.startswith("ERROR HELLO: version 'BERKELEY/3' not supported"), repr(reply))
    check(other.recv_line(5) is None, "the master closes after ERROR")
    finish_good(good_clients(port, (1, 2)))
    expect_exit(master, 0, 10, "berkeley_master")
    master.wait_for(r"connection from 127\.0\.0\.1:\d+: dropped: HELLO: version 'BERKELEY/3' not supported", 1, "err")
    check(sorted(table_rows(master)) == [0, 1, 2], master.dump())


def megabyte_line():
    member_sends(lambda seq: b"T" * (1 << 20), r"line longer than 256 bytes", expect_error_line=False)


def binary_garbage():
    member_sends(lambda seq: bytes(range(256)) * 4, r"byte 0x00 at column 1 is not printable ASCII",
                 expect_error_line=False)


def number_out_of_range():
    member_sends(lambda seq: f"TIME {seq} 99999999999999999999999\n".encode(), r"out of range \(does not fit in int64\)")


def time_far_from_master():
    """In int64 but two days from the master's clock: out of range, never averaged."""
    member_sends(lambda seq: f"TIME {seq} {time.monotonic_ns() + 2 * 86_400 * 10**9}\n".encode(),
                 r"out of range \(more than 43200\.0+ s from the master.s clock\)")


def bad_input_before_hello():
    """Garbage from connections that never joined: each dropped with a reason, none counts as a client."""
    master, port = start_master(2, "--rounds", "1", "--timeout", "2s")
    offenders = {
        b"\x16\x03\x01\x00\xa5\x01\x00": r"byte 0x16 at column 1",  # a TLS ClientHello
        b"GET / HTTP/1.1\r\n": r"unknown command 'GET'",
        b"TIME 1 5\n": r"TIME before HELLO",
        b"HELLO BERKELEY/1 0\n": r"id '0' is out of range",
        b"Z" * 300: r"line longer than 256 bytes",
    }
    hands = []
    for data in offenders:
        hand = HandClient(port)
        hand.send_bytes(data)
        hands.append(hand)
    finish_good(good_clients(port, (1, 2)))
    expect_exit(master, 0, 10, "berkeley_master")
    for pattern in offenders.values():
        master.wait_for(r"connection from 127\.0\.0\.1:\d+: dropped: .*" + pattern, 1, "err")
    check(sorted(table_rows(master)) == [0, 1, 2], master.dump())
    for hand in hands:
        hand.close()


def slow_client_does_not_delay_others():
    """A connection that never says HELLO holds nobody up: the session ends while it is still pending.
    Its HELLO timeout (the master's --timeout) is 30 s, far beyond the session (well under a second): the
    master must finish, telling the pending connection it is closing, without ever dropping it for that
    timeout."""
    hello_timeout_s = 30
    master, port = start_master(2, "--rounds", "1", "--timeout", f"{hello_timeout_s}s")
    slow = HandClient(port)
    slow.send_bytes(b"HEL")  # and then nothing
    started = time.monotonic()
    finish_good(good_clients(port, (1, 2)), timeout=hello_timeout_s / 2)
    # bounded well below the slow connection's timeout: a master waiting for it fails here, not at 30 s
    expect_exit(master, 0, hello_timeout_s / 2, "berkeley_master with a connection that never said HELLO")
    took = time.monotonic() - started
    master.wait_for(r"all 2 clients joined", 1)
    check("no HELLO within" not in master.text("err"),
          "the master waited for the slow connection's HELLO timeout\n" + master.dump())
    told = slow.recv_line(5)
    check(told == "REFUSED the master is closing",
          f"the pending connection should be told the master is closing, got {told!r}")
    print(f"session finished {took:.2f} s after the clients started, the slow connection still pending "
          f"(its HELLO timeout: {hello_timeout_s} s)")
    slow.close()


def too_many_clients_refused():
    """Policy: the master admits N clients; one more is refused at once with a message (not queued)."""
    master, port = start_master(2, "--rounds", "3", "--interval", "100ms")
    clients = good_clients(port, (1, 2, 3))
    codes = {i: c.finish(15) for i, c in zip((1, 2, 3), clients)}
    expect_exit(master, 0, 10, "berkeley_master 2")
    refused = [i for i, code in codes.items() if code == 6]
    check(len(refused) == 1 and sorted(codes.values()) == [0, 0, 6], f"exit codes {codes}")
    client = clients[refused[0] - 1]
    check(re.search(r"master refused us: group full: 2 of 2 clients joined \(extra clients are refused, not queued\)",
                    client.text("err")), client.dump())
    master.wait_for(rf"\(client {refused[0]}\): refused: group full", 1, "err")


def duplicate_id_refused():
    master, port = start_master(2, "--rounds", "1")
    first = start_client(port, 1)
    master.wait_for(r"client 1 joined", 5)
    twin = start_client(port, 1)
    expect_exit(twin, 6, 10, "a second client 1")
    check("client id 1 has already joined" in twin.text("err"), twin.dump())
    finish_good([first, start_client(port, 2)])
    expect_exit(master, 0, 10, "berkeley_master")


# ---------------------------------------------------------------------------------------------------------
# the master goes away, or cannot start


def master_gone_mid_session():
    """Killed master: the client exits non-zero with a clear message at once; interrupted master: the same.
    "At once" means by the closed connection (or the master's ERROR), not by any timeout of its own: both of
    its timeouts are 60 s, and it must be gone well before (the wait below is bounded at 20 s)."""
    client_timeouts = ("--timeout", "60s", "--idle-timeout", "60s")
    for how in (signal.SIGKILL, signal.SIGTERM):
        master, port = start_master(1, "--rounds", "100", "--interval", "1s")
        client = Process([TOOLS.client, "--id", 1, "--port", port, *client_timeouts])
        client.wait_for(r"round 1: clock before", 10)
        killed_at = time.monotonic()
        master.popen.send_signal(how)
        expect_exit(client, 5, 20, f"client after the master got {how.name} (its timeouts are 60 s)")
        took = time.monotonic() - killed_at
        expected = ("the master closed the connection without BYE" if how == signal.SIGKILL
                    else "master reported an error: master interrupted")
        check(expected in client.text("err"), client.dump())
        code = master.finish(5)
        check(code == (-9 if how == signal.SIGKILL else 128 + signal.SIGTERM), f"master exit {code}\n" + master.dump())
        print(f"{how.name}: client exited 5 after {took * 1000:.0f} ms: {client.err[-1]}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def no_master():
    """Nobody listens: the client retries for its --timeout (the master may start a moment later), then gives
    up once, with the reason. Timed from its start, it cannot have given up before that timeout (less one
    50 ms retry pause); a second timeout would double it: the 2 s between the two are the slack for
    starting the process on a loaded machine."""
    timeout_s = 2.0
    port = free_port()
    client = start_client(port, 1, timeout=f"{timeout_s:g}s")
    expect_exit(client, 5, 4 * timeout_s, "a client with no master")
    elapsed = client.elapsed()
    check(elapsed >= timeout_s - 0.05, f"gave up after {elapsed:.2f} s, before its --timeout {timeout_s} s")
    check(elapsed < 2 * timeout_s, f"took {elapsed:.2f} s with --timeout {timeout_s} s: more than one timeout")
    check(re.search(rf"no master at 127\.0\.0\.1:{port} \(last error: Connection refused\) "
                    rf"\(gave up after --timeout {timeout_s:.0f}\.0+ s\)", client.text("err")), client.dump())
    print(f"gave up {elapsed:.2f} s after starting, with --timeout {timeout_s:g}s: {client.err[-1]}")


def port_in_use():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        master = Process([TOOLS.master, 2, "--port", port])
        expect_exit(master, 5, 5, "berkeley_master on a port in use")
        check(re.search(rf"cannot listen on 127\.0\.0\.1:{port}: Address already in use", master.text("err")),
              master.dump())


def bad_port():
    for argv, named in (([TOOLS.master, 2, "--port", "abc"], "--port: 'abc'"),
                        ([TOOLS.master, 2, "--port", "70000"], "--port: '70000'"),
                        ([TOOLS.master, 2, "--port", "-1"], "--port: '-1'"),
                        ([TOOLS.master, "two"], "N: 'two'"),
                        ([TOOLS.master, 2, "--bind", "localhost"], "--bind: 'localhost'"),
                        ([TOOLS.client, "--id", 1, "--port", "0"], "--port: '0'"),
                        ([TOOLS.client, "--port", "17117"], "--id is required")):
        process = Process(argv)
        expect_exit(process, 2, 5, " ".join(map(str, argv)))
        check(named in process.text("err"), process.dump())


def too_few_clients_join_timeout():
    master, port = start_master(3, "--join-timeout", "500ms")
    client = start_client(port, 1)
    expect_exit(master, 5, 5, "berkeley_master waiting for 3")
    expect_exit(client, 5, 5, "the one client that came")
    check("only 1 of 3 clients joined within 500.000000 ms" in master.text("err"), master.dump())
    check("master reported an error: not enough clients joined" in client.text("err"), client.dump())


# ---------------------------------------------------------------------------------------------------------
# the launcher


def launcher_reports_failure():
    port = free_port()
    launcher = Process([sys.executable, TOOLS.launcher, 2, "--port", port, "--client", TOOLS.client,
                        "--timeout", "300ms"])
    expect_exit(launcher, 1, 15, "launch_clients.py with no master")
    check(re.search(r"2 of 2 clients failed: client 1 exited 5, client 2 exited 5", launcher.text("err")),
          launcher.dump())
    check(any(line.startswith("[client 2] berkeley_client 2: no master") for line in launcher.err), launcher.dump())


def launcher_tmux():
    if subprocess.run(["sh", "-c", "command -v tmux"], capture_output=True).returncode != 0:
        print("tmux is not installed: skipped")
        sys.exit(SKIP)
    with tempfile.TemporaryDirectory() as tmux_dir:
        env = dict(os.environ, TMUX_TMPDIR=tmux_dir)  # a private tmux server, never the user's
        env.pop("TMUX", None)
        master, port = start_master(2, "--rounds", "1")
        launcher = Process([sys.executable, TOOLS.launcher, 2, "--tmux", "--port", port, "--client", TOOLS.client,
                            "--max-wait", "30"], env=env)
        try:
            expect_exit(launcher, 0, 40, "launch_clients.py --tmux")
        finally:
            subprocess.run(["tmux", "kill-server"], env=env, capture_output=True, timeout=10)
        expect_exit(master, 0, 10, "berkeley_master")
        check("clients in tmux session" in launcher.text(), launcher.dump())
        for i in (1, 2):
            check(any(line.startswith(f"[client {i}] session over") for line in launcher.out), launcher.dump())


SCENARIOS = {f.__name__: f for f in (
    sync_three_with_launcher, foreign_client, nc_plays_a_client, client_on_another_clock, silent_client_excluded, disconnect_mid_round, malformed_line,
    unknown_command, wrong_version, megabyte_line, binary_garbage, number_out_of_range, time_far_from_master,
    bad_input_before_hello, slow_client_does_not_delay_others, too_many_clients_refused, duplicate_id_refused,
    master_gone_mid_session, no_master, port_in_use, bad_port, too_few_clients_join_timeout,
    launcher_reports_failure, launcher_tmux)}


def main():
    global TOOLS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--master", required=True)
    parser.add_argument("--client", required=True)
    parser.add_argument("--launcher", required=True)
    TOOLS = parser.parse_args()
    try:
        SCENARIOS[TOOLS.scenario]()
    except Failure as failure:
        print(f"FAILED {TOOLS.scenario}: {failure}", file=sys.stderr)
        return 1
    finally:
        stop_all()
    print(f"PASSED {TOOLS.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
