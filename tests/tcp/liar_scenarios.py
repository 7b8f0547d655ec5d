#!/usr/bin/env python3
"""A participant that lies, over real TCP: the real berkeley_master and real berkeley_client processes on
loopback, and one client played by hand (foreign_client.HandClient) that lies about its clock in every round.
It answers the shared-instant reading honestly, so the master's end-of-run truth still covers everyone.

  liar_scenarios.py STRATEGY --participants N --master PATH --client PATH --launcher PATH

The master ends with exit 4 ("a clock ended outside the stated bound"), as it should: its truth at the shared
instant sees the liar (the +1 h liar's own clock; the others' first-round pull of the group away from the
average of the true clocks, at most (τ + honest spread) / k).

Strategies: plus_one_hour (+1 h, never corrects itself), inside (+0.5 s in round 1, inside the 1 s tolerance;
+10 ms in every later round: inside τ, outside the synchronized tolerance), alternating (the same, ±).
Checked (docs/security.md "A participant that lies"): from round 2 on the liar is left out of the average
(clocks_averaged ≤ N − 1) and the master's own step (its average_offset_ns) stays within what the round
states one clock could move it plus the round's largest uncertainty; every honest clock ends within its
stated bound of the master's at the shared instant.
"""

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tcp_scenarios  # noqa: E402  (test code: Process, start_master, start_client, stop_all)
from foreign_client import HandClient, read_at_instant  # noqa: E402
from tcp_scenarios import Failure, check, expect_exit, start_client, start_master, stop_all  # noqa: E402

ROUNDS = 6
TOLERANCE_NS = 1_000_000_000
FIRST_LIE_NS = 500_000_000
LATER_LIE_NS = 10_000_000
HOUR_NS = 3_600_000_000_000


def lie_of(strategy, round_number):
    """What the liar adds to its (corrected) clock in this round."""
    if strategy == "plus_one_hour":
        return HOUR_NS
    sign = -1 if strategy == "alternating" and round_number % 2 == 0 else 1
    return FIRST_LIE_NS if round_number == 1 else sign * LATER_LIE_NS


def lying_session(client, client_id, strategy, outcome, timeout=20.0):
    """Joins, then answers every POLL with the agreed time plus the lie of the round. Each correction it is
    sent undoes the lie it told that round, so it keeps the group's time as its corrections and its past lies
    say (`agreed`); the +1 h liar never corrects itself at all."""
    correction = 0
    told = 0  # the lies of the rounds so far
    round_number = 1
    try:
        client.send(f"HELLO BERKELEY/1 {client_id}")
        welcome = client.recv_line(timeout)
        check(welcome is not None and welcome.startswith("WELCOME "), f"the liar was not welcomed: {welcome!r}")
        while True:
            line = client.recv_line(timeout)
            if line is None:
                raise Failure("the master hung up on the liar without BYE")
            command, _, rest = line.partition(" ")
            applied = 0 if strategy == "plus_one_hour" else correction + told
            if command == "POLL":
                client.send(f"TIME {int(rest)} {time.monotonic_ns() + applied + lie_of(strategy, round_number)}")
            elif command == "ADJUST":
                round_text, delta_text = rest.split(" ")
                correction += int(delta_text)
                told += lie_of(strategy, round_number) if strategy != "plus_one_hour" else 0
                round_number = int(round_text) + 1
                outcome.setdefault("adjustments", []).append(int(delta_text))
            elif command == "PROBE":
                instant = int(rest)
                value, window = read_at_instant(instant, time.monotonic_ns)
                shown = value + (0 if strategy == "plus_one_hour" else correction + told)
                client.send(f"READING {instant} {value} {shown} {window}")
            elif command == "BYE":
                outcome["done"] = True
                return
            else:
                raise Failure(f"unexpected line to the liar: {line!r}")
    except Exception as error:  # noqa: BLE001  (reported by the main thread)
        outcome["error"] = f"{type(error).__name__}: {error}"


def run(strategy, participants):
    clients = participants - 1  # the master is a participant
    liar_id = clients
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        master, port = start_master(clients, "--rounds", ROUNDS, "--interval", "100ms", "--tolerance", "1s",
                                    "--max-offset", "100ms", "--seed", participants, "--timeout", "2s",
                                    "--join-timeout", "60s", "--json", report_path)
        honest = [start_client(port, i, "--seed", participants, "--max-offset", "100ms", timeout="20s")
                  for i in range(1, liar_id)]
        outcome = {}
        liar = HandClient(port)
        thread = threading.Thread(target=lying_session, args=(liar, liar_id, strategy, outcome), daemon=True)
        thread.start()
        try:
            # exit 4, "a clock ended outside the stated bound": the master's truth at the shared instant sees
            # what the liar did (the +1 h liar's own clock; the others' first-round pull of the whole group
            # away from the average of the true clocks)
            expect_exit(master, 4, 60, "berkeley_master")
            check("a clock ended outside the stated bound" in master.text("err"), master.dump())
            for client in honest:
                expect_exit(client, 0, 20, "an honest client")
            thread.join(10)
        finally:
            liar.close()
        check(outcome.get("done") and "error" not in outcome,
              f"the liar's session: {outcome}\n" + "\n".join(liar.transcript[-20:]))
        report = json.loads(report_path.read_text())

    rounds = report["rounds"]
    check(len(rounds) == ROUNDS, f"{len(rounds)} rounds reported, {ROUNDS} run")
    later_moved = 0
    later_allowed = 0
    for r in rounds:
        averaged, moved = r["clocks_averaged"], abs(r["average_offset_ns"])
        allowed = r["one_clock_influence_ns"] + r["max_uncertainty_ns"]
        liar_counted = averaged == participants
        if strategy == "plus_one_hour" or r["round"] > 1:
            check(not liar_counted, f"round {r['round']}: the liar was averaged ({averaged} of {participants} clocks)\n"
                  + json.dumps(r))
        if r["round"] > 1:
            check(moved <= allowed, f"round {r['round']}: the master stepped {moved} ns, more than one clock's "
                  f"influence + the largest uncertainty ({allowed} ns)\n" + json.dumps(r))
            later_moved += moved
            later_allowed += allowed
    first = rounds[0]
    # round 1 may pull the group by what one clock inside τ can: (τ + the honest spread) / k
    first_pull_allowed = (TOLERANCE_NS + 200_000_000) // first["clocks_averaged"]
    honest_pull = 0
    for rank in report["ranks"]:
        if rank["rank"] == liar_id:
            continue
        check(rank["bound_held"], f"honest client {rank['rank']}: not within its stated bound\n" + json.dumps(rank))
        pulled = abs(rank["residual_ns"])
        honest_pull = max(honest_pull, pulled)
        check(pulled <= first_pull_allowed + rank["offset_after_bound_ns"],
              f"honest client {rank['rank']}: {pulled} ns from the average of the true clocks, more than a liar "
              f"inside τ can pull in round 1 ({first_pull_allowed} ns)\n" + json.dumps(rank))
    without = (ROUNDS - 1) * LATER_LIE_NS // participants if strategy != "plus_one_hour" else 0
    print(f"[liar] TCP, {participants} participants, liar {strategy}: the honest clocks end {honest_pull} ns from "
          f"the average of the true clocks (round 1 allows {first_pull_allowed} ns; {first['clocks_averaged']} "
          f"averaged); rounds 2..{ROUNDS} moved the master {later_moved} ns in all (stated allowance "
          f"{later_allowed} ns; a liar averaged every round would have pulled about {without} ns)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("strategy", choices=["plus_one_hour", "inside", "alternating"])
    parser.add_argument("--participants", type=int, required=True)
    parser.add_argument("--master", required=True)
    parser.add_argument("--client", required=True)
    parser.add_argument("--launcher", required=True)
    args = parser.parse_args()
    tcp_scenarios.TOOLS = args
    try:
        run(args.strategy, args.participants)
    except Failure as failure:
        print(f"FAILED liar {args.strategy} at {args.participants}: {failure}", file=sys.stderr)
        return 1
    finally:
        stop_all()
    print(f"PASSED liar {args.strategy} at {args.participants}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
