#!/usr/bin/env python3
"""A BERKELEY/1 client written from docs/protocol.md alone, in plain Python sockets: it shares no code with
the project and plays the protocol by hand, line by line, the way a person would with `nc`.

Its clock is CLOCK_MONOTONIC (time.monotonic_ns) plus a fixed offset, so the truth is known.

  python3 tests/tcp/foreign_client.py --port 17117 --id 7 --offset-ms 250

prints the whole session as a transcript ("> " sent, "< " received) and exits 0 after BYE.
The tests also import HandClient to send malformed input, stay silent, or hang up mid-round, and play_session
with a `fault` hook that breaks the protocol at a chosen moment (tcp_scenarios.py, the harsher faults).
"""

import argparse
import socket
import sys
import time

MAX_LINE = 256


class MasterError(Exception):
    """The master ended the session with ERROR <reason> (the line is the exception's text)."""


class HandClient:
    max_line = MAX_LINE

    def __init__(self, port, host="127.0.0.1", connect_timeout=5.0):
        self.sock = socket.create_connection((host, port), timeout=connect_timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        self.transcript = []

    def send(self, line):
        self.transcript.append("> " + line)
        self.sock.sendall(line.encode("ascii") + b"\n")

    def join(self, client_id, timeout=10.0):
        """HELLO; the master's answer (WELCOME, or REFUSED/ERROR; None if it hung up)."""
        self.send(f"HELLO BERKELEY/1 {client_id}")
        return self.recv_line(timeout)

    def send_bytes(self, data):
        self.transcript.append(f"> ({len(data)} raw bytes)")
        self.sock.sendall(data)

    def recv_line(self, timeout):
        """The next line without its newline; None at EOF or connection reset; raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no line within {timeout} s")
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(4096)
            except socket.timeout:
                raise TimeoutError(f"no line within {timeout} s") from None
            except ConnectionResetError:
                return None
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        text = line.decode("ascii").rstrip("\r")
        assert len(text) <= self.max_line, f"the master sent a line of {len(text)} bytes"
        self.transcript.append("< " + text)
        return text

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def read_at_instant(instant_ns, clock):
    """clock() at the moment CLOCK_MONOTONIC shows instant_ns: (value, bracket width)."""
    ahead = instant_ns - time.monotonic_ns()
    if ahead > 2_000_000:
        time.sleep((ahead - 1_000_000) / 1e9)
    while time.monotonic_ns() < instant_ns:
        pass
    before = time.monotonic_ns()
    value = clock()
    after = time.monotonic_ns()
    late = (before + after) // 2 - instant_ns
    return value - late, after - before


class Moment:
    """Where a session is, for a fault hook: `event` is "welcome", "poll" or "probe" (an answer is due: `answer`
    is the line a well-behaved client sends now) or "adjust" (one was just applied). `round` is the round the
    session is in, from 1 (for "adjust": the round it ended; after the last one: the audit and the PROBE)."""

    def __init__(self, client, event, round_number, answer=None):
        self.client, self.event, self.round, self.answer = client, event, round_number, answer


def play_session(client, client_id, offset_ns, timeout=10.0, fault=None):
    """A whole session, well-behaved unless `fault(moment)` (a Moment) returns True: it then answered (or chose
    not to) itself. Returns the adjustments received, in order; raises MasterError on ERROR from the master."""
    correction = 0
    adjustments = []

    def raw():
        return time.monotonic_ns() + offset_ns

    def answer(moment):
        if not (fault and fault(moment)) and moment.answer is not None:
            client.send(moment.answer)

    if hasattr(client, "join"):
        welcome = client.join(client_id, timeout)
    else:  # a bare connection (NcClient): HELLO typed by hand
        client.send(f"HELLO BERKELEY/1 {client_id}")
        welcome = client.recv_line(timeout)
    if welcome is not None and welcome.startswith("ERROR "):
        raise MasterError(welcome)
    assert welcome is not None and welcome.startswith("WELCOME BERKELEY/") and \
        welcome.split(" ")[2] == str(client_id), welcome
    answer(Moment(client, "welcome", 1))
    while True:
        line = client.recv_line(timeout)
        if line is None:
            raise ConnectionError("the master hung up without BYE")
        command, _, rest = line.partition(" ")
        if command == "POLL":
            answer(Moment(client, "poll", len(adjustments) + 1, f"TIME {int(rest)} {raw() + correction}"))
        elif command == "ADJUST":
            round_text, delta_text = rest.split(" ")
            correction += int(delta_text)
            adjustments.append(int(delta_text))
            answer(Moment(client, "adjust", len(adjustments)))
        elif command == "PROBE":
            instant = int(rest)
            value, window = read_at_instant(instant, raw)
            reading = f"READING {instant} {value} {value + correction} {window}"
            answer(Moment(client, "probe", len(adjustments) + 1, reading))
        elif command == "BYE":
            return adjustments
        elif command == "ERROR":
            raise MasterError(line)
        else:
            raise ValueError(f"unexpected line from the master: {line!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--id", type=int, required=True)
    parser.add_argument("--offset-ms", type=float, default=0.0, help="this clock's offset from CLOCK_MONOTONIC")
    args = parser.parse_args()
    client = HandClient(args.port, args.host)
    try:
        adjustments = play_session(client, args.id, int(args.offset_ms * 1e6))
    finally:
        print("\n".join(client.transcript), flush=True)
        client.close()
    print(f"adjustments: {adjustments} (total {sum(adjustments)} ns)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
