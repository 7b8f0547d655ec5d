#!/usr/bin/env python3
"""Round trip of a trace through berkeley_mpi's offsets file and scripts/correct_trace.py, against a truth the
test knows (standard library only).

  check_round_trip.py no-drift --exe build/berkeley_mpi --mpiexec mpiexec [--np 4]
  check_round_trip.py drift    --exe build/berkeley_mpi --mpiexec mpiexec [--np 4]

berkeley_mpi runs with --json R --offsets O (drift: --drift-ppm 50 --rounds 4 --interval 100ms, so each rate is
fitted). Its report gives, per rank, the raw clock at one true instant T of CLOCK_MONOTONIC (clock_before_ns)
and the simulated clock's drift s (simulated_drift_ppm): that clock reads clock_before + d·(1 + s·1e-6) at
T + d. The test writes a trace of events at known true times T + d on every rank (interleaved: rank r at
d = k·50 µs + r·7 µs, and some up to ±0.5 s from T), each stamped with its own rank's clock, runs
correct_trace.py, and checks what the offsets file promises:
  - the new ts, dur and args.berkeley_uncertainty_us are the documented formulas of the file's mapping
    (computed here independently, exactly);
  - every corrected event lies within its stated uncertainty of the agreed time at its true instant, checked
    as spacings from one rank-0 event: |Δcorrected − a·Δtrue| ≤ both uncertainties + the simulated clocks'
    rounding (below), a being the agreed clock's rate against true time (rank 0's clock through its mapping,
    exactly); so |Δcorrected − Δtrue| ≤ the same + |a − 1|·|Δtrue|;
  - order: two events whose agreed times are further apart than their uncertainties keep their true order;
  - durations: scaled by the rate within what the stated rate uncertainty allows;
  - everything else kept (fields, metadata events, the file's order and shape);
  - a trace with a pid the offsets do not cover is refused (exit 2, the pid named), nothing written.

--hand-made-offsets writes the offsets file from the report as docs/report-format.md defines it, for a
berkeley_mpi without --offsets (and to test correct_trace.py on its own); --correct-trace runs another script
(a broken one must fail this check).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from decimal import Decimal
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
from script_checks import fail, launch as launch_bounded  # noqa: E402

OFFSETS_FORMAT = "berkeley_mpi-offsets/1"
SEED = 7
PPM = Fraction(1, 10**6)
US = 1000  # ns
# true offsets d from T (ns): dense around T, interleaved between ranks, and a few far out (±0.5 s at most)
DENSE = range(-20, 21)  # k·50 µs
SPARSE = (-10_000, -5_000, -1_000, -100, 100, 1_000, 5_000, 10_000)  # k·50 µs: ±5 ms ... ±0.5 s
STEP_NS = 50 * US
RANK_STAGGER_NS = 7 * US
TRUE_DUR_NS = 20 * US
# Every bound of the program assumes clocks within 500 ppm of true time, so any two within 1000 ppm
# (core/time.hpp, kMaxRelativeRate): no mapping rate (applied + its uncertainty) may exceed that.
MAX_RELATIVE_RATE = Fraction(1, 1000)
# A simulated clock adds its drift rounded to whole ns (core/time.hpp, drift_over: llround), so where it drifts
# it reads within 1 ns of the linear clock_before + d·(1 + s·1e-6) this test stamps events with (and exactly
# that where s is 0). The sync measured the real clocks: that 1 ns, on the event's clock and on rank 0's, is
# the only allowance beyond what the files state (see model_ns).
CLOCK_ROUNDING_NS = 1


def frac(value):
    """An exact Fraction of a JSON number (int, Decimal, float)."""
    return Fraction(str(value)) if isinstance(value, Decimal) else Fraction(value)


def us_text(ns):
    """Whole ns as a decimal number of µs with three decimals, exactly (negative values too)."""
    sign = "-" if ns < 0 else ""
    return f"{sign}{abs(ns) // 1000}.{abs(ns) % 1000:03d}"


def json_with_exact_ts(document, exact):
    """JSON text where each string "@ts:N@" becomes the exact decimal number N (json.dumps has no decimals)."""
    text = json.dumps(document, indent=None)
    for placeholder, number in exact.items():
        text = text.replace(json.dumps(placeholder), number)
    return text


def launch(opts, np, program_args):
    command = opts.mpiexec + [opts.numproc_flag, str(np)] + opts.preflags + [opts.exe] + program_args
    return launch_bounded(command, opts.launch_timeout)


def hand_made_offsets(report):
    """The offsets file as docs/report-format.md defines it, from the report: each participant's correction at
    the shared instant, the sync's bound against the master, the applied rate and how fast the stated bound
    grows over the later instants (none measured without a drift fit)."""
    participants = []
    reference_global = None
    for row in report["ranks"]:
        master = row["rank"] == 0
        if master:
            reference_global = row["clock_after_ns"]
        rate_uncertainty = None
        if master:
            rate_uncertainty = 0.0
        elif report["later_ns"] and row["offset_after_bound_ns"] is not None and all(
                b is not None for b in row["later_bound_ns"]):
            rate_uncertainty = max((b - row["offset_after_bound_ns"]) / later * 1e6
                                   for b, later in zip(row["later_bound_ns"], report["later_ns"]))
        participants.append({
            "name": f"{'client' if row['transport'] == 'tcp' and not master else 'rank'} {row['rank']}",
            "rank": row["rank"], "transport": row["transport"] or "mpi", "host": row["host"],
            "reference_local_ns": row["clock_before_ns"],
            "offset_ns": row["clock_after_ns"] - row["clock_before_ns"],
            "offset_uncertainty_ns": 0 if master else row["offset_after_bound_ns"],
            "rate_ppm": row["rate_applied_ppm"], "rate_uncertainty_ppm": rate_uncertainty})
    return {"format": OFFSETS_FORMAT, "generated_by": "check_round_trip.py (hand-made)",
            "clock": report["parameters"]["clock"],
            "agreed_time": "rank 0's corrected clock: the group's fault-tolerant average",
            "reference_global_ns": reference_global, "participants": participants}


def run_sync(opts, tmp, drift):
    """berkeley_mpi at opts.np ranks: (report, offsets document, offsets path)."""
    report_path = os.path.join(tmp, "report.json")
    offsets_path = os.path.join(tmp, "offsets.json")
    args = ["--seed", str(SEED), "--quiet", "--json", report_path]
    if not opts.hand_made_offsets:
        args += ["--offsets", offsets_path]
    if drift:
        args += ["--drift-ppm", "50", "--rounds", "4", "--interval", "100ms"]
    done = launch(opts, opts.np, args)
    if done.returncode != 0:
        fail(f"berkeley_mpi: exit code {done.returncode}")
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    if opts.hand_made_offsets:
        with open(offsets_path, "w", encoding="utf-8") as f:
            json.dump(hand_made_offsets(report), f, indent=2)
    with open(offsets_path, encoding="utf-8") as f:
        offsets = json.load(f, parse_float=Decimal)
    return report, offsets, offsets_path


def check_files(report, offsets, opts, drift):
    """What the test relies on: one shared clock (the truth measured), the drift fitted or not as asked, and
    one participant per rank whose mapping is complete. Returns {rank: participant}."""
    if report.get("format") != "berkeley_mpi/1" or offsets.get("format") != OFFSETS_FORMAT:
        fail(f"formats {report.get('format')!r} and {offsets.get('format')!r}")
    if not report["truth_measured"]:
        fail("the ranks do not share one CLOCK_MONOTONIC: the test needs the shared instant as its truth")
    if report["drift_corrected"] is not drift:
        fail(f"drift_corrected is {report['drift_corrected']}, expected {drift}")
    rows = report["ranks"]
    if [r["rank"] for r in rows] != list(range(opts.np)):
        fail(f"ranks {[r['rank'] for r in rows]} in the report, expected 0..{opts.np - 1}")
    if not drift and any(r["simulated_drift_ppm"] != 0 for r in rows):
        fail("--drift-ppm 0, yet a simulated clock drifts")
    by_rank = {}
    for p in offsets["participants"]:
        if p["transport"] != "mpi" or p["name"] != f"rank {p['rank']}":
            fail(f"participant {p['name']!r} ({p['transport']}): berkeley_mpi's ranks are \"rank N\" over mpi")
        by_rank[p["rank"]] = p
    if sorted(by_rank) != list(range(opts.np)) or len(offsets["participants"]) != opts.np:
        fail(f"the offsets file covers {[p['name'] for p in offsets['participants']]}, expected ranks 0..{opts.np - 1}")
    master = by_rank[0]
    # the agreed time is rank 0's corrected clock: its mapping gives reference_global_ns at its reference
    if master["reference_local_ns"] + master["offset_ns"] != offsets["reference_global_ns"]:
        fail(f"rank 0: reference_local_ns {master['reference_local_ns']} + offset_ns {master['offset_ns']} is not "
             f"reference_global_ns {offsets['reference_global_ns']}")
    for p in by_rank.values():
        row = rows[p["rank"]]
        if p["host"] != row["host"]:
            fail(f"{p['name']}: host {p['host']!r} in the offsets file, {row['host']!r} in the report")
        if p["offset_uncertainty_ns"] is None:
            fail(f"{p['name']}: no offset uncertainty stated, nothing to check")
        if drift and p["rate_uncertainty_ppm"] is None:
            fail(f"{p['name']}: the drift was fitted (drift_corrected), yet its rate_uncertainty_ppm is null")
        rate_bound = frac(p["rate_uncertainty_ppm"] or 0)
        if (abs(frac(p["rate_ppm"])) + rate_bound) * PPM > MAX_RELATIVE_RATE:
            fail(f"{p['name']}: rate {p['rate_ppm']} ± {p['rate_uncertainty_ppm']} ppm beyond 1000 ppm")
    return by_rank


class Event:
    """One event of the made trace: its rank, true time from T (τ, ns, exact) and local stamps (ns)."""

    def __init__(self, rank, d_ns, row, kind):
        drift = 1 + frac(row["simulated_drift_ppm"]) * PPM
        self.rank = rank
        self.name = f"r{rank}d{d_ns}"
        self.local_ns = row["clock_before_ns"] + round(d_ns * drift)
        # the true instant at which the (linear) clock reads local_ns exactly: no rounding of ours in the truth
        self.true_ns = (self.local_ns - row["clock_before_ns"]) / drift
        self.kind = kind
        self.local_dur_ns = round(TRUE_DUR_NS * drift) if kind == "X" else None
        self.true_dur_ns = self.local_dur_ns / drift if kind == "X" else None


def make_trace(rows, np, extra_pid=None):
    """(document text, events in file order, metadata events). The file order is the ranks' events
    interleaved by a fixed shuffle, so that any sorting shows."""
    events = []
    for rank in range(np):
        for k in list(DENSE) + list(SPARSE):
            # mostly complete events ("X", with a duration), every fourth an instant event without args
            kind = "i" if k % 4 == 1 else "X"
            events.append(Event(rank, k * STEP_NS + rank * RANK_STAGGER_NS, rows[rank], kind))
    order = sorted(range(len(events)), key=lambda i: (i * 7919) % len(events))
    events = [events[i] for i in order]
    exact = {}
    trace_events = []
    metadata = [{"ph": "M", "pid": 99, "tid": 0, "name": "process_name", "args": {"name": "launcher (no timed "
                                                                                           "events: allowed)"}}]
    for rank in range(np):
        metadata.append({"ph": "M", "pid": rank, "tid": 0, "ts": 0, "name": "process_name",
                         "args": {"name": f"rank {rank}"}})
    trace_events.extend(metadata[:2])
    for n, e in enumerate(events):
        placeholder = f"@ts:{n}@"
        exact[placeholder] = us_text(e.local_ns)
        entry = {"name": e.name, "cat": "test", "ph": e.kind, "ts": placeholder, "pid": e.rank, "tid": 1 + n % 2}
        if e.kind == "X":
            entry["dur"] = f"@dur:{n}@"
            exact[entry["dur"]] = us_text(e.local_dur_ns)
            entry["args"] = {"true_ns": str(e.true_ns), "nested": {"list": [1, 2.5, None, True]}}
        else:
            entry["s"] = "t"
        trace_events.append(entry)
    trace_events.extend(metadata[2:])
    if extra_pid is not None:
        trace_events.append({"name": "stray", "ph": "i", "s": "t", "ts": 1.5, "pid": extra_pid, "tid": 1})
    document = {"traceEvents": trace_events, "displayTimeUnit": "ns",
                "otherData": {"maker": "check_round_trip.py", "seed": SEED}}
    return json_with_exact_ts(document, exact), events, metadata


def correct(opts, offsets_path, trace_path, out_path, extra_args):
    command = [sys.executable, opts.correct_trace, "--offsets", offsets_path, trace_path, "-o", out_path, *extra_args]
    print("+", " ".join(command), flush=True)
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    sys.stdout.write(done.stdout)
    sys.stdout.write(done.stderr)
    return done


def model_ns(event, by_rank, rows):
    """What the simulated clocks' rounding (CLOCK_ROUNDING_NS) can add to an event's error against the agreed
    time, which the test computes from rank 0's linear clock and mapping: 0 for rank 0's own events (the same
    clock and mapping). Else the event's clock may read up to 1 ns off the linear one (moved by its mapping:
    × (1 + |rate|)), and its stated uncertainty, rounded up to whole ns, may step by 1 ns over that 1 ns;
    rank 0's clock, which the agreed time is, likewise by 1 ns × (1 + |its rate|)."""
    if event.rank == 0:
        return Fraction(0)
    mine, master = by_rank[event.rank], by_rank[0]
    allowance = Fraction(0)
    if rows[event.rank]["simulated_drift_ppm"] != 0:
        allowance += CLOCK_ROUNDING_NS * (1 + abs(frac(mine["rate_ppm"])) * PPM)
        allowance += 1 if (mine["rate_uncertainty_ppm"] or 0) != 0 else 0
    if rows[0]["simulated_drift_ppm"] != 0:
        allowance += CLOCK_ROUNDING_NS * (1 + abs(frac(master["rate_ppm"])) * PPM)
    return allowance


def check_round_trip(opts):
    drift = opts.case == "drift"
    with tempfile.TemporaryDirectory() as tmp:
        report, offsets, offsets_path = run_sync(opts, tmp, drift)
        by_rank = check_files(report, offsets, opts, drift)
        rows = report["ranks"]
        extra = []
        if any(p["rate_uncertainty_ppm"] is None for p in by_rank.values()):
            # No drift fit, so no rate was measured (rate_uncertainty_ppm null): the uncertainty away from the
            # reference instant needs a bound on the unmeasured drift. The simulated clocks were drawn with
            # --drift-ppm 0 and drift exactly 0 (checked above), so the true bound is 0 ppm.
            if drift:
                fail("a rate was not measured although the drift was fitted")
            extra = ["--max-drift-ppm", "0"]
        text, events, metadata = make_trace(rows, opts.np)
        trace_path = os.path.join(tmp, "trace.json")
        with open(trace_path, "w", encoding="utf-8") as f:
            f.write(text)
        out_path = os.path.join(tmp, "corrected.json")
        done = correct(opts, offsets_path, trace_path, out_path, extra)
        if done.returncode != 0:
            fail(f"correct_trace.py: exit code {done.returncode}")
        with open(trace_path, encoding="utf-8") as f:
            original = json.load(f, parse_float=Decimal)
        with open(out_path, encoding="utf-8") as f:
            corrected = json.load(f, parse_float=Decimal)
        check_kept(original, corrected)
        figures = check_truth(corrected, events, by_rank, rows, 0 if extra else None)
        check_refusal(opts, rows, offsets_path, tmp)
        if opts.keep:
            for name in ("report.json", "offsets.json", "trace.json", "corrected.json"):
                with open(os.path.join(tmp, name), encoding="utf-8") as src, \
                        open(os.path.join(opts.keep, f"{opts.case}.{name}"), "w", encoding="utf-8") as dst:
                    dst.write(src.read())
    print(f"{opts.case}: {figures}")
    print("PASS")


def check_kept(original, corrected):
    """The same shape, the same events in the same order, every field but ts, dur and the added uncertainty
    as it was, metadata events untouched."""
    if not isinstance(corrected, dict) or list(corrected) != list(original):
        fail(f"top-level keys {list(corrected) if isinstance(corrected, dict) else type(corrected)} changed")
    for key in original:
        if key != "traceEvents" and corrected[key] != original[key]:
            fail(f"top-level {key!r} changed")
    before, after = original["traceEvents"], corrected["traceEvents"]
    if [e.get("name") for e in after] != [e.get("name") for e in before]:
        fail("the events are not the same, in the same order")
    for old, new in zip(before, after):
        if old.get("ph") == "M":
            if new != old:
                fail(f"metadata event changed: {old} -> {new}")
            continue
        if list(new) != list(old) + ([] if "args" in old else ["args"]):
            fail(f"{old['name']}: fields {list(old)} became {list(new)}")
        for key in old:
            if key in ("ts", "dur", "args"):
                continue
            if new[key] != old[key]:
                fail(f"{old['name']}: {key} changed from {old[key]!r} to {new[key]!r}")
        args_old, args_new = dict(old.get("args", {})), dict(new["args"])
        if "berkeley_uncertainty_us" not in args_new:
            fail(f"{old['name']}: no args.berkeley_uncertainty_us, though every uncertainty is known here")
        args_new.pop("berkeley_uncertainty_us")
        if args_new != args_old:
            fail(f"{old['name']}: args changed from {args_old} to {args_new}")


def formula_problems(event, out, p, max_drift_ppm):
    """The new ts, dur and uncertainty are the documented ones (docs/report-format.md), computed here
    independently: a script that stated huge uncertainties would pass every check against the truth."""
    local, reference = Fraction(event.local_ns), Fraction(p["reference_local_ns"])
    rate = frac(p["rate_ppm"]) * PPM
    expected_ts = round(local + p["offset_ns"] + rate * (local - reference))
    problems = []
    if frac(out["ts"]) * US != expected_ts:
        problems.append(f"{event.name}: ts {out['ts']} us, the mapping gives {expected_ts} ns")
    if event.kind == "X":
        expected_dur = event.local_dur_ns if rate == 0 else round(event.local_dur_ns * (1 + rate))
        if frac(out["dur"]) * US != expected_dur:
            problems.append(f"{event.name}: dur {out['dur']} us, the mapping gives {expected_dur} ns")
    bound = p["rate_uncertainty_ppm"] if p["rate_uncertainty_ppm"] is not None else max_drift_ppm
    if bound is None:
        expected_u = p["offset_uncertainty_ns"] if local == reference else None
    else:
        drift = frac(bound) * PPM * abs(local - reference)
        expected_u = p["offset_uncertainty_ns"] + (-(-drift.numerator // drift.denominator)) + 1  # ceil, + 1 ns
    stated = out.get("args", {}).get("berkeley_uncertainty_us")
    if (None if stated is None else frac(stated) * US) != expected_u:
        problems.append(f"{event.name}: uncertainty {stated} us, the mapping gives {expected_u} ns")
    return problems


def check_truth(corrected, events, by_rank, rows, max_drift_ppm):
    by_name = {e["name"]: e for e in corrected["traceEvents"] if e.get("ph") != "M"}
    master = by_rank[0]
    # the agreed clock runs at (1 + s0)(1 + r0) per true ns: rank 0's linear clock through its mapping
    agreed_rate = (1 + frac(rows[0]["simulated_drift_ppm"]) * PPM) * (1 + frac(master["rate_ppm"]) * PPM)
    measured = []  # (event, corrected ns, stated uncertainty ns, model allowance ns)
    problems = []
    for e in events:
        out = by_name[e.name]
        measured.append((e, frac(out["ts"]) * US, frac(out["args"]["berkeley_uncertainty_us"]) * US,
                         model_ns(e, by_rank, rows)))
        problems += formula_problems(e, out, by_rank[e.rank], max_drift_ppm)
    reference = next(m for m in measured if m[0].rank == 0 and m[0].name == "r0d0")
    _, ref_ns, ref_u, ref_model = reference
    worst_true = Fraction(0)  # the largest |Δcorrected − Δtrue|: what a user sees, the agreed clock's rate included
    worst_agreed = (Fraction(0), Fraction(1), "")  # the largest |Δcorrected − Δagreed|, its allowance, its event
    for e, c_ns, u, model in measured:
        true_spacing = e.true_ns - reference[0].true_ns
        # The agreed clock advances agreed_rate ns per true ns, so its spacing is exactly agreed_rate × the true
        # one. Each corrected ts lies within its uncertainty (+ model) of the agreed time at its instant, so
        #   |Δcorrected − agreed_rate·Δtrue| ≤ u + u_ref + model, hence
        #   |Δcorrected − Δtrue| ≤ u + u_ref + model + |agreed_rate − 1|·|Δtrue|;
        # the first (the tighter) is checked, the second follows from it.
        error = (c_ns - ref_ns) - agreed_rate * true_spacing
        allowed = u + ref_u + model + ref_model
        worst_true = max(worst_true, abs((c_ns - ref_ns) - true_spacing))
        if abs(error) * worst_agreed[1] > worst_agreed[0] * allowed:
            worst_agreed = (abs(error), allowed, e.name)
        if abs(error) > allowed:
            problems.append(f"{e.name}: corrected spacing from r0d0 off the agreed one by {float(error):.1f} ns "
                            f"(off the true one by {float((c_ns - ref_ns) - true_spacing):.1f} ns), allowed "
                            f"{float(allowed):.1f} (uncertainties {float(u)} + {float(ref_u)}, clock rounding "
                            f"{float(model + ref_model):.3f})")
        if e.kind == "X":
            p = by_rank[e.rank]
            out_dur = frac(by_name[e.name]["dur"]) * US
            true_dur = e.true_dur_ns * agreed_rate
            # the stated rate, within its uncertainty, of agreed − local over the local duration, + 0.5 ns of
            # rounding the new dur (the same --max-drift-ppm 0 where the rate was not measured)
            dur_allowed = frac(p["rate_uncertainty_ppm"] or 0) * PPM * e.local_dur_ns + Fraction(1, 2)
            if abs(out_dur - true_dur) > dur_allowed:
                problems.append(f"{e.name}: dur {float(out_dur)} ns, true {float(true_dur):.3f} ns on the agreed "
                                f"clock, allowed ±{float(dur_allowed):.3f}")
    # order: where the agreed times lie further apart than both events' allowances, the corrected order is the
    # true one
    pairs = ordered = 0
    for i, (e, c_e, u_e, m_e) in enumerate(measured):
        for f, c_f, u_f, m_f in measured[i + 1:]:
            pairs += 1
            if abs(e.true_ns - f.true_ns) * agreed_rate <= u_e + m_e + u_f + m_f:
                continue
            ordered += 1
            if (c_e - c_f > 0) != (e.true_ns - f.true_ns > 0) or c_e == c_f:
                problems.append(f"{e.name} and {f.name}: corrected order differs from the true order "
                                f"({float(e.true_ns - f.true_ns):.0f} ns apart, uncertainties {float(u_e)}, "
                                f"{float(u_f)})")
    if problems:
        fail(f"{len(problems)} problem(s): " + "; ".join(problems[:12]))
    largest_u = max(m[2] for m in measured)
    return (f"{len(measured)} events, {ordered} of {pairs} pairs far enough apart to order; largest stated "
            f"uncertainty {float(largest_u) / US:.3f} us; largest |corrected - true| spacing {float(worst_true):.1f} "
            f"ns (agreed clock {float((agreed_rate - 1) * 10**6):+.3f} ppm from true time); largest |corrected - "
            f"agreed| spacing {float(worst_agreed[0]):.1f} ns ({worst_agreed[2]}: "
            f"{float(worst_agreed[0] / worst_agreed[1]) * 100:.1f} % of its allowance {float(worst_agreed[1]):.1f} ns)")


def check_refusal(opts, rows, offsets_path, tmp):
    """A pid the offsets file does not cover: exit 2, the pid named, no output written."""
    stray_pid = opts.np
    text, _, _ = make_trace(rows, opts.np, extra_pid=stray_pid)
    trace_path = os.path.join(tmp, "stray.json")
    with open(trace_path, "w", encoding="utf-8") as f:
        f.write(text)
    out_path = os.path.join(tmp, "stray.corrected.json")
    done = correct(opts, offsets_path, trace_path, out_path, ["--max-drift-ppm", "0"])
    if done.returncode != 2:
        fail(f"a trace with pid {stray_pid}, which the offsets do not cover: exit code {done.returncode}, expected 2")
    if f"pid {stray_pid}" not in done.stderr:
        fail(f"the refusal does not name pid {stray_pid}: {done.stderr.strip()!r}")
    if os.path.exists(out_path):
        fail("a refused trace still wrote its output")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case", choices=["no-drift", "drift"])
    parser.add_argument("--exe", required=True)
    parser.add_argument("--mpiexec", required=True, help="the mpiexec program")
    parser.add_argument("--numproc-flag", default="-np")
    parser.add_argument("--preflags", default="", help="mpiexec flags before the program, comma-separated")
    parser.add_argument("--np", type=int, default=4)
    parser.add_argument("--launch-timeout", type=float, default=60)
    parser.add_argument("--correct-trace", default=os.path.join(HERE, "..", "..", "scripts", "correct_trace.py"))
    parser.add_argument("--hand-made-offsets", action="store_true",
                        help="write the offsets file from the report instead of berkeley_mpi --offsets")
    parser.add_argument("--keep", metavar="DIR", help="copy the files made here to DIR")
    opts = parser.parse_args()
    opts.mpiexec = [opts.mpiexec]
    opts.preflags = [part for part in opts.preflags.split(",") if part]
    if opts.np < 2:
        fail("--np: at least 2 ranks, to have spacings between clocks")
    if not opts.hand_made_offsets:
        done = launch(opts, 1, ["--help"])
        if "--offsets" not in done.stdout:
            fail(f"{opts.exe} --help lists no --offsets option (--hand-made-offsets checks correct_trace.py alone)")
    check_round_trip(opts)


if __name__ == "__main__":
    main()
