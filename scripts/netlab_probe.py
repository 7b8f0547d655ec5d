#!/usr/bin/env python3
"""One-way delays between two hosts of the lab (scripts/netlab.sh measure runs it; standard library only).

  netlab_probe.py echo  --bind ADDR --port P [--idle S]
  netlab_probe.py probe --to ADDR --port P [--count N] [--gap-ms MS] [--size BYTES]

The hosts of the lab are namespaces of one kernel: both ends read the same CLOCK_MONOTONIC, so the one-way
delay of a datagram is simply (its arrival, read by the receiver) - (its departure, read by the sender), in
each direction, with no assumption of symmetry. Each figure includes the user-space wake-up of the receiver.

probe sends --count UDP datagrams of --size bytes (payload); echo stamps arrival and departure and sends each
back at once. Two runs: "back-to-back" (the next probe leaves as soon as the echo is back: a sustained
exchange, like a ping-pong or a poll train) and "isolated" (--gap-ms between probes: a shaper's bucket refills).
Prints, per run and direction, min / median / 90th percentile / max in microseconds.
"""
import argparse
import socket
import statistics
import struct
import sys
import time

HEADER = struct.Struct("!Iqqq")  # sequence, t_sent (probe), t_arrived (echo), t_echoed (echo)


def echo(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.bind, args.port))
    sock.settimeout(args.idle)
    try:
        while True:
            try:
                data, peer = sock.recvfrom(65535)
            except socket.timeout:
                return 0  # nobody probed for --idle seconds: done
            arrived = time.monotonic_ns()
            if len(data) < HEADER.size:
                continue
            sequence, sent, _, _ = HEADER.unpack_from(data)
            if sequence == 0xFFFFFFFF:
                return 0  # the probe's goodbye
            reply = bytearray(data)
            HEADER.pack_into(reply, 0, sequence, sent, arrived, time.monotonic_ns())
            sock.sendto(reply, peer)
    finally:
        sock.close()


def run(sock, args, gap_s):
    forward, backward, lost = [], [], 0
    payload = bytearray(max(args.size, HEADER.size))
    for sequence in range(args.count):
        HEADER.pack_into(payload, 0, sequence, time.monotonic_ns(), 0, 0)
        sock.send(payload)
        while True:
            try:
                data = sock.recv(65535)
            except socket.timeout:
                lost += 1
                break
            received = time.monotonic_ns()
            got, sent, arrived, echoed = HEADER.unpack_from(data)
            if got != sequence:
                continue  # a late answer to a lost one
            forward.append(arrived - sent)
            backward.append(received - echoed)
            break
        if gap_s:
            time.sleep(gap_s)
    return forward, backward, lost


def summary(values_ns):
    if not values_ns:
        return "no answers"
    us = sorted(v / 1000 for v in values_ns)
    p90 = us[min(len(us) - 1, int(0.9 * len(us)))]
    return (f"min {us[0]:9.1f}  median {statistics.median(us):9.1f}  p90 {p90:9.1f}  max {us[-1]:9.1f} us"
            f"  ({len(us)})")


def probe(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect((args.to, args.port))
    sock.settimeout(1.0)
    # the echo may still be starting: a few tries until it answers
    deadline = time.monotonic() + 10
    while True:
        try:
            HEADER.pack_into(buffer := bytearray(HEADER.size), 0, 0xFFFFFFFE, time.monotonic_ns(), 0, 0)
            sock.send(buffer)
            sock.recv(65535)
            break
        except (socket.timeout, ConnectionRefusedError):
            if time.monotonic() > deadline:
                print(f"netlab_probe: no echo at {args.to}:{args.port} within 10 s", file=sys.stderr)
                return 1
            time.sleep(0.2)
    frame = max(args.size, HEADER.size) + 8 + 20 + 14  # UDP, IPv4, Ethernet headers
    print(f"one-way delays {args.from_name} -> {args.to_name} and back, {max(args.size, HEADER.size)} B payload "
          f"({frame} B frames), {args.count} exchanges per run")
    status = 0
    for name, gap_s in (("back-to-back", 0.0), (f"isolated (gap {args.gap_ms:g} ms)", args.gap_ms / 1000)):
        forward, backward, lost = run(sock, args, gap_s)
        print(f"{name}:")
        print(f"  {args.from_name} -> {args.to_name}: {summary(forward)}")
        print(f"  {args.to_name} -> {args.from_name}: {summary(backward)}")
        if lost:
            print(f"  lost: {lost}")
            status = 1
    HEADER.pack_into(buffer := bytearray(HEADER.size), 0, 0xFFFFFFFF, 0, 0, 0)
    sock.send(buffer)
    return status


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    e = sub.add_parser("echo")
    e.add_argument("--bind", required=True)
    e.add_argument("--port", type=int, required=True)
    e.add_argument("--idle", type=float, default=10.0, help="exit after this many seconds without a probe")
    p = sub.add_parser("probe")
    p.add_argument("--to", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--gap-ms", type=float, default=50.0)
    p.add_argument("--size", type=int, default=64, help="payload bytes (at least the 28-byte header)")
    p.add_argument("--from-name", default="here")
    p.add_argument("--to-name", default="there")
    args = parser.parse_args()
    if args.mode == "probe" and not (1 <= args.count <= 100000 and 0 <= args.gap_ms <= 10000 and
                                     args.size <= 1400):
        parser.error("--count 1..100000, --gap-ms 0..10000, --size up to 1400")
    return echo(args) if args.mode == "echo" else probe(args)


if __name__ == "__main__":
    sys.exit(main())
