#!/usr/bin/env python3
"""A BERKELEY/1 client written from docs/protocol.md alone, in plain Python sockets: it shares no code with
the project and plays the protocol by hand, line by line, the way a person would with `nc`.

Its clock is CLOCK_MONOTONIC (time.monotonic_ns) plus a fixed offset, so the truth is known.

  python3 tests/tcp/foreign_client.py --port 17117 --id 7 --offset-ms 250

prints the whole session as a transcript ("> " sent, "< " received) and exits 0 after BYE.
The tests also import HandClient to send malformed input, stay silent, or hang up mid-round.
"""

import argparse
import socket
import sys
import time

MAX_LINE = 256


class HandClient:
    def __init__(self, port, host="127.0.0.1", connect_timeout=5.0):
        self.sock = socket.create_connection((host, port), timeout=connect_timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        self.transcript = []

    def send(self, line):
        self.transcript.append("> " + line)
        self.sock.sendall(line.encode("ascii") + b"\n")

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
        assert len(text) <= MAX_LINE, f"the master sent a line of {len(text)} bytes"
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


def play_session(client, client_id, offset_ns, timeout=10.0):
    """A whole well-behaved session. Returns the adjustments received, in order."""
    correction = 0
    adjustments = []

    def raw():
        return time.monotonic_ns() + offset_ns

    client.send(f"HELLO BERKELEY/1 {client_id}")
    welcome = client.recv_line(timeout)
    assert welcome is not None and welcome.startswith(f"WELCOME BERKELEY/1 {client_id} "), welcome
    while True:
        line = client.recv_line(timeout)
        if line is None:
            raise ConnectionError("the master hung up without BYE")
        command, _, rest = line.partition(" ")
        if command == "POLL":
            client.send(f"TIME {int(rest)} {raw() + correction}")
        elif command == "ADJUST":
            round_text, delta_text = rest.split(" ")
            correction += int(delta_text)
            adjustments.append(int(delta_text))
        elif command == "PROBE":
            instant = int(rest)
            value, window = read_at_instant(instant, raw)
            client.send(f"READING {instant} {value} {value + correction} {window}")
        elif command == "BYE":
            return adjustments
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
