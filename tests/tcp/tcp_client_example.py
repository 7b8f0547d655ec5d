#!/usr/bin/env python3
"""examples/tcp_client_example against the real berkeley_master (1 client, port 0, loopback): the example
joins, the session ends at BYE, and the correction it prints is exactly the one the master reports having
applied to it, within the bound the master states. Every wait is bounded; every process started here is
stopped here.

  tcp_client_example.py --master PATH --example PATH
"""

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tcp_scenarios import Failure, Process, check, expect_bound_ok, expect_exit, stop_all  # noqa: E402

ROUNDS = 2


def run(master_path, example_path):
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        master = Process([master_path, 1, "--port", 0, "--rounds", ROUNDS, "--interval", "50ms",
                          "--join-timeout", "20s", "--json", report_path])
        port = int(master.wait_for(r"listening on 127\.0\.0\.1:(\d+),", 10).group(1))
        example = Process([example_path, "--port", port, "--id", 1])
        expect_exit(example, 0, 30, "tcp_client_example")
        expect_exit(master, 0, 15, "berkeley_master 1")

        check("client 1: connected to 127.0.0.1:%d, local clock reads" % port in example.text(), example.dump())
        match = example.wait_for(r"corrected time (-?\d+) ns \(local (-?\d+) ns, correction (-?\d+) ns after "
                                 r"(\d+) adjustment\(s\)\)", 1)
        corrected, local, correction, adjustments = (int(g) for g in match.groups())
        check(corrected == local + correction, f"corrected {corrected} != local {local} + correction {correction}")
        check(adjustments == ROUNDS, f"{adjustments} adjustments, expected {ROUNDS}\n" + example.dump())

        bound, residual = expect_bound_ok(master)
        report = json.loads(report_path.read_text())
        client = next((r for r in report["ranks"] if r["rank"] == 1), None)
        check(client is not None, "no rank 1 in the master's report: " + json.dumps(report)[:500])
        check(client["correction_ns"] == correction,
              f"the example applied {correction} ns, the master sent {client['correction_ns']} ns in all")
        print(f"correction {correction} ns over {adjustments} rounds; bound {bound} ns, "
              f"measured max |residual| {residual} ns")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--master", required=True)
    parser.add_argument("--example", required=True)
    args = parser.parse_args()
    try:
        run(args.master, args.example)
    except Failure as failure:
        print(f"FAILED tcp_client_example: {failure}", file=sys.stderr)
        return 1
    finally:
        stop_all()
    print("PASSED tcp_client_example")
    return 0


if __name__ == "__main__":
    sys.exit(main())
