#!/usr/bin/env python3
"""scripts/correct_trace.py on hand-made offsets files and traces, no MPI (standard library only):

  check_correct_trace.py [--correct-trace PATH]

  - the mapping, the duration and the uncertainty of docs/report-format.md, on values worked out by hand
    (below, in the comments): a rate of 100 ppm, a ts with a fraction of a ns, a ts before the reference, the
    reference itself, a rate not measured (null) with and without --max-drift-ppm, no offset uncertainty;
  - pids: the default (pid N is "rank N", else "client N"), --pid-map by number and by name, a pid of only
    metadata events (allowed, untouched); the shape (object or bare list) and every other field kept;
  - refusals, each exit 2 with one message naming the culprit: an offsets file of another format, not JSON,
    missing, with a field missing or mistyped; a trace not JSON, with a ts that is not a number, without a ts,
    with a pid no participant covers, already corrected; bad --pid-map and --max-drift-ppm. An output that
    cannot be written: exit 3. Nothing is written on a refusal.
"""
import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
from script_checks import fail  # noqa: E402

PROGRAM = "correct_trace.py"

OFFSETS = {
    "format": "berkeley_mpi-offsets/1",
    "generated_by": "check_correct_trace.py (by hand)",
    "clock": "simulated",
    "agreed_time": "rank 0's corrected clock: the group's fault-tolerant average",
    "reference_global_ns": 1_000_000_000,
    "participants": [
        {"name": "rank 0", "rank": 0, "transport": "mpi", "host": "a", "reference_local_ns": 1_000_000_000,
         "offset_ns": 0, "offset_uncertainty_ns": 0, "rate_ppm": 0.0, "rate_uncertainty_ppm": 0.0},
        {"name": "rank 1", "rank": 1, "transport": "mpi", "host": "a", "reference_local_ns": 2_000_000_000,
         "offset_ns": -999_999_500, "offset_uncertainty_ns": 1000, "rate_ppm": 100.0, "rate_uncertainty_ppm": 2.5},
        {"name": "client 3", "rank": 3, "transport": "tcp", "host": "b", "reference_local_ns": 3_000_000_000,
         "offset_ns": 7, "offset_uncertainty_ns": 50, "rate_ppm": 0, "rate_uncertainty_ppm": None},
        {"name": "rank 5", "rank": 5, "transport": "mpi", "host": "c", "reference_local_ns": 0,
         "offset_ns": 10, "offset_uncertainty_ns": None, "rate_ppm": 0.0, "rate_uncertainty_ppm": None},
        {"name": "client 1", "rank": 1, "transport": "tcp", "host": "d", "reference_local_ns": 0,
         "offset_ns": 123, "offset_uncertainty_ns": 5, "rate_ppm": 0.0, "rate_uncertainty_ppm": None},
    ],
}

# (pid, ts µs as JSON text, dur µs as JSON text or None) → (ts, dur, uncertainty µs; None: no uncertainty)
# rank 1: global(L) = L − 999 999 500 + 100e-6·(L − 2e9) ns; u = 1000 + ⌈2.5e-6·|L − 2e9|⌉ + 1 ns
CASES = [
    # L = 2 000 010 000: 1 000 010 500 + 1 ns of rate; u 1000 + ⌈0.025⌉ + 1 = 1002
    (1, "2000010.000", None, "1000010.501", None, "1.002"),
    # L = 1e9, 1 s before the reference: 500 − 100 000 = −99 500 ns; u 1000 + 2500 + 1 = 3501
    (1, "1000000", None, "-99.500", None, "3.501"),
    # L = 2 000 000 000.4 (a fraction of a ns): 1 000 000 500.40004 → 1 000 000 500; u 1000 + ⌈1e-6⌉ + 1 = 1002
    (1, "2000000.0004", None, "1000000.500", None, "1.002"),
    # at the reference: no rate term; dur 1000 µs × (1 + 1e-4) = 1000.1 µs; u 1000 + 0 + 1 (a rate bound stated)
    (1, "2000000", "1000", "1000000.500", "1000.100", "1.001"),
    # dur 1.5 ns × 1.0001 = 1.50015 → 2 ns
    (1, "2000000", "0.0015", "1000000.500", "0.002", "1.001"),
    # rank 0, rate 0: the ts moves by its offset only (0), dur untouched (kept as written); u 0 + 0 + 1
    (0, "1000000.25", "12.5", "1000000.250", "12.5", "0.001"),
    # client 3 (pid 3: no "rank 3"): rate not measured, so an uncertainty only at its reference (50, exact)
    (3, "3000000", None, "3000000.007", None, "0.050"),
    (3, "3000001", None, "3000001.007", None, None),
    # rank 5: no offset uncertainty stated: never one
    (5, "7", None, "7.010", None, None),
]
# client 3 with --max-drift-ppm 10: 1000 ns from its reference, u 50 + ⌈0.01⌉ + 1 = 52
MAX_DRIFT_CASE = (3, "3000001", "3000001.007", "0.052")


def run(opts, *args):
    command = [sys.executable, opts.correct_trace, *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    print("+", " ".join(args), f"-> exit {done.returncode}", flush=True)
    for line in (done.stdout + done.stderr).splitlines():
        print("  ", line)
    return done


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)


def trace_text(cases, shape="object"):
    """A trace with the cases' events (JSON numbers written exactly as given), metadata events, other fields."""
    events = ['{"ph":"M","pid":42,"tid":0,"name":"process_name","args":{"name":"only metadata: allowed"}}',
              '{"ph":"M","pid":1,"tid":0,"ts":0,"name":"process_name","args":{"name":"rank 1 ✓"}}']
    for n, (pid, ts, dur, *_rest) in enumerate(cases):
        ph = "X" if dur is not None else "i"
        extra = f',"dur":{dur}' if dur is not None else ',"s":"t"'
        args = ',"args":{"n":%d,"big":1e3,"deep":{"x":[1,2.50,null]}}' % n if n % 2 == 0 else ""
        events.append(f'{{"name":"e{n}","ph":"{ph}","ts":{ts}{extra},"pid":{pid},"tid":7,"tts":5.25{args}}}')
    body = "[\n" + ",\n".join(events) + "\n]"
    if shape == "list":
        return body
    return '{"displayTimeUnit":"ns","traceEvents":' + body + ',"otherData":{"version":"x 1.0","n":0.10}}'


def expect_refused(opts, done, code, *named):
    if done.returncode != code:
        fail(f"exit code {done.returncode}, expected {code}")
    ours = [line for line in done.stderr.splitlines() if line.startswith(PROGRAM + ":")]
    if len(ours) != 1:
        fail(f"expected one message from {PROGRAM}, got {ours}")
    for text in named:
        if text not in ours[0]:
            fail(f"the message does not name {text!r}: {ours[0]}")
    if done.stdout:
        fail(f"printed a summary for a refused run: {done.stdout!r}")


def check_events(corrected, original, cases):
    """Each case's event as worked out; every other field, the metadata and the order as they were."""
    events = corrected if isinstance(corrected, list) else corrected["traceEvents"]
    before = original if isinstance(original, list) else original["traceEvents"]
    if len(events) != len(before):
        fail(f"{len(events)} events written, {len(before)} read")
    for old, new in zip(before[:2], events[:2]):
        if new != old:
            fail(f"metadata event changed: {old} -> {new}")
    for (pid, ts, dur, want_ts, want_dur, want_u), old, new in zip(cases, before[2:], events[2:]):
        name = f"{new.get('name')} (pid {pid}, ts {ts})"
        if new["ts"] != Decimal(want_ts):
            fail(f"{name}: ts {new['ts']}, expected {want_ts}")
        if dur is not None and (str(new["dur"]) != want_dur):
            fail(f"{name}: dur {new['dur']}, expected {want_dur}")
        got_u = new.get("args", {}).get("berkeley_uncertainty_us")
        if (got_u is None) != (want_u is None) or (want_u is not None and got_u != Decimal(want_u)):
            fail(f"{name}: uncertainty {got_u}, expected {want_u}")
        kept = {k: v for k, v in new.items() if k not in ("ts", "dur")}
        if kept.get("args") is not None:
            kept["args"] = {k: v for k, v in kept["args"].items() if k != "berkeley_uncertainty_us"}
            if not kept["args"] and "args" not in old:
                del kept["args"]
        if kept != {k: v for k, v in old.items() if k not in ("ts", "dur")}:
            fail(f"{name}: other fields changed: {old} -> {new}")


def check_mapping(opts, tmp):
    offsets = write(os.path.join(tmp, "offsets.json"), json.dumps(OFFSETS))
    for shape in ("object", "list"):
        trace = write(os.path.join(tmp, f"trace.{shape}.json"), trace_text(CASES, shape))
        out = os.path.join(tmp, f"out.{shape}.json")
        done = run(opts, "--offsets", offsets, trace, "-o", out)
        if done.returncode != 0:
            fail(f"exit code {done.returncode}")
        corrected, original = load(out), load(trace)
        if type(corrected) is not type(original):
            fail(f"a {shape} trace came back as {type(corrected).__name__}")
        if shape == "object" and (list(corrected) != list(original) or corrected["otherData"] != original["otherData"]
                                  or corrected["displayTimeUnit"] != "ns"):
            fail("the trace's other fields changed")
        check_events(corrected, original, CASES)
        summary = done.stdout.strip()
        for text in ("9 events corrected", "rank 1: 5", "client 3: 2", "2 metadata events",
                     "largest uncertainty 3.501 us (rank 1)", "no uncertainty for 2 events",
                     "client 3: rate not measured", "rank 5: no offset uncertainty"):
            if text not in summary:
                fail(f"the summary line lacks {text!r}: {summary!r}")
        if len(summary.splitlines()) != 1:
            fail("more than one summary line")
    # a bound on the unmeasured drift gives client 3 an uncertainty away from its reference
    pid, ts, want_ts, want_u = MAX_DRIFT_CASE
    trace = write(os.path.join(tmp, "drift.json"), trace_text([(pid, ts, None)]))
    out = os.path.join(tmp, "drift.out.json")
    if run(opts, "--offsets", offsets, trace, "-o", out, "--max-drift-ppm", "10").returncode != 0:
        fail("--max-drift-ppm 10: not corrected")
    event = load(out)["traceEvents"][2]
    if event["ts"] != Decimal(want_ts) or event["args"]["berkeley_uncertainty_us"] != Decimal(want_u):
        fail(f"--max-drift-ppm 10: {event}, expected ts {want_ts}, uncertainty {want_u}")
    # pids by --pid-map: by number (1 is "rank 1", the mpi one of the two numbered 1), by name, and the
    # default replaced (pid 3 is nobody now)
    mapped = [(1001, "2000010.000", None, "1000010.501", None, "1.002"),
              (1003, "3000000", None, "3000000.007", None, "0.050"),
              (1004, "10", None, "10.123", None, None)]
    trace = write(os.path.join(tmp, "mapped.json"), trace_text(mapped))
    out = os.path.join(tmp, "mapped.out.json")
    done = run(opts, "--offsets", offsets, trace, "-o", out, "--pid-map", "1=1001,client 3=1003,client1=1004")
    if done.returncode != 0:
        fail(f"--pid-map: exit code {done.returncode}")
    check_events(load(out), load(trace), mapped)
    stray = write(os.path.join(tmp, "mapped.stray.json"), trace_text([(3, "1", None)]))
    done = run(opts, "--offsets", offsets, stray, "-o", os.path.join(tmp, "x.json"), "--pid-map", "1=1001")
    expect_refused(opts, done, 2, "pid 3")


def check_refusals(opts, tmp):
    good_offsets = write(os.path.join(tmp, "good.offsets.json"), json.dumps(OFFSETS))
    good_trace = write(os.path.join(tmp, "good.trace.json"), trace_text(CASES[:2]))
    out = os.path.join(tmp, "refused.out.json")

    def refused(offsets, trace, code, *named, extra=()):
        done = run(opts, "--offsets", offsets, trace, "-o", out, *extra)
        expect_refused(opts, done, code, *named)
        if code == 2 and os.path.exists(out):
            fail("a refused run wrote its output")

    other = copy.deepcopy(OFFSETS)
    other["format"] = "berkeley_mpi-offsets/2"
    path = write(os.path.join(tmp, "v2.offsets.json"), json.dumps(other))
    refused(path, good_trace, 2, path, "berkeley_mpi-offsets/2")
    path = write(os.path.join(tmp, "report.json"), json.dumps({"format": "berkeley_mpi/1", "ranks": []}))
    refused(path, good_trace, 2, path, "berkeley_mpi/1")
    path = write(os.path.join(tmp, "broken.offsets.json"), json.dumps(OFFSETS)[:-20])
    refused(path, good_trace, 2, path, "not JSON")
    refused(os.path.join(tmp, "missing.json"), good_trace, 2, "missing.json")
    for key, value, named in (("offset_ns", None, "offset_ns"), ("rate_ppm", "fast", "rate_ppm"),
                              ("reference_local_ns", 1.5, "reference_local_ns"),
                              ("offset_uncertainty_ns", -1, "offset_uncertainty_ns")):
        bad = copy.deepcopy(OFFSETS)
        bad["participants"][1][key] = value
        path = write(os.path.join(tmp, f"bad.{key}.json"), json.dumps(bad))
        refused(path, good_trace, 2, path, "participant 1", named)
    bad = copy.deepcopy(OFFSETS)
    del bad["participants"][1]["rate_uncertainty_ppm"]
    path = write(os.path.join(tmp, "bad.missing.json"), json.dumps(bad))
    refused(path, good_trace, 2, "participant 1", "missing \"rate_uncertainty_ppm\"")

    path = write(os.path.join(tmp, "broken.trace.json"), trace_text(CASES)[:-5])
    refused(good_offsets, path, 2, path, "not JSON")
    path = write(os.path.join(tmp, "string-ts.json"), trace_text([(1, '"2000000"', None)]))
    refused(good_offsets, path, 2, path, "#2", "ts \"2000000\"")
    path = write(os.path.join(tmp, "no-ts.json"), '[{"ph":"X","pid":1,"dur":3},{"ph":"i","pid":0,"ts":1}]')
    refused(good_offsets, path, 2, path, "#0 (no ts)")
    path = write(os.path.join(tmp, "nan-ts.json"), '[{"ph":"i","pid":1,"ts":NaN}]')
    refused(good_offsets, path, 2, path, "#0")
    path = write(os.path.join(tmp, "stray.json"), trace_text(CASES[:1] + [(4, "1", None), (9, "2", None),
                                                                          (4, "3", None)]))
    refused(good_offsets, path, 2, path, "pid 4 (2 events)", "pid 9 (1 event)", good_offsets)
    done = run(opts, "--offsets", good_offsets, good_trace, "-o", os.path.join(tmp, "once.json"))
    if done.returncode != 0:
        fail("a good trace refused")
    refused(good_offsets, os.path.join(tmp, "once.json"), 2, "already corrected")
    refused(good_offsets, good_trace, 2, "'x=7'", extra=("--pid-map", "x=7"))
    refused(good_offsets, good_trace, 2, "rank 9", extra=("--pid-map", "rank 9=7"))
    refused(good_offsets, good_trace, 2, "pid 7", extra=("--pid-map", "0=7,rank 1=7"))
    refused(good_offsets, good_trace, 2, "'-1'", extra=("--max-drift-ppm", "-1"))


def check_unwritable(opts, tmp):
    offsets = write(os.path.join(tmp, "w.offsets.json"), json.dumps(OFFSETS))
    trace = write(os.path.join(tmp, "w.trace.json"), trace_text(CASES[:1]))
    target = "/nonexistent/dir/out.json"
    expect_refused(opts, run(opts, "--offsets", offsets, trace, "-o", target), 3, target)


def check_help(opts):
    done = run(opts, "--help")
    if done.returncode != 0 or "Example" not in done.stdout or "--max-drift-ppm" not in done.stdout:
        fail("--help: exit 0 with an example line and the options")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--correct-trace", default=os.path.join(HERE, "..", "..", "scripts", "correct_trace.py"))
    opts = parser.parse_args()
    check_help(opts)
    with tempfile.TemporaryDirectory() as tmp:
        check_mapping(opts, tmp)
        check_refusals(opts, tmp)
        check_unwritable(opts, tmp)
    print("PASS")


if __name__ == "__main__":
    main()
