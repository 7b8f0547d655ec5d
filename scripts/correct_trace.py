#!/usr/bin/env python3
"""Moves every timestamp of a Chrome/Perfetto trace onto the group's agreed time, with the offsets file that
berkeley_mpi (or berkeley_master) wrote after a sync (--offsets FILE, format "berkeley_mpi-offsets/1").

  correct_trace.py --offsets offsets.json trace.json -o corrected.json [--max-drift-ppm X] [--pid-map K=PID,...]

Example (a trace stamped with CLOCK_REALTIME on the same hosts; pid N is the process of rank N):
  mpirun -np 4 ./berkeley_mpi --clock realtime --rounds 3 --interval 1s --offsets offsets.json
  scripts/correct_trace.py --offsets offsets.json app_trace.json -o app_trace.fixed.json

The trace is Trace Event JSON: {"traceEvents": [...], ...} or a bare list of events, ts and dur in µs (integers
or decimals). One pid per participant: pid N is the participant "rank N" (or "client N" where no rank N exists);
--pid-map replaces that default with its own list (keys: N, "rank N", "client N", or "rankN"/"clientN").
Per event, with L = ts·1000 (ns) and the participant's mapping (docs/report-format.md):
  ts  → (L + offset_ns + rate_ppm·1e-6·(L − reference_local_ns)) / 1000, rounded to whole ns
  dur → dur·(1 + rate_ppm·1e-6), rounded to whole ns (untouched where rate_ppm is 0)
  args.berkeley_uncertainty_us: how far the new ts may be from the true agreed time, where that is known:
  offset_uncertainty_ns + rate_uncertainty_ppm·1e-6·|L − reference_local_ns| + 1 ns (rounding). Where the file
  did not measure the rate (rate_uncertainty_ppm null) it is known only at the reference instant, unless
  --max-drift-ppm bounds the unmeasured drift of that participant's clock against the agreed time.
Everything else is kept as it was: other fields, metadata events (ph "M"), thread times (tts), the order of
the events (nothing is sorted). Metadata events of a pid no participant covers are allowed (they carry no
time); any other event of such a pid is refused, as is a ts that is not a number and a trace already
corrected (args.berkeley_uncertainty_us present). Prints one summary line. Standard library only.

Exit codes: 0 written; 2 bad command line, an input missing or not JSON, an offsets file of another format,
a trace refused (the message names the file, the pids, the events); 3 the output cannot be written.
"""
import argparse
import decimal
import json
import os
import re
import sys
from decimal import Decimal

PROGRAM = "correct_trace.py"
OFFSETS_FORMAT = "berkeley_mpi-offsets/1"
EXIT_INPUT = 2
EXIT_OUTPUT = 3
UNCERTAINTY_KEY = "berkeley_uncertainty_us"
ROUNDING_NS = 1  # the new ts is rounded to whole ns, and offset_ns was rounded when written
SHOWN = 8  # how many bad events or pids a message lists before "..."

# exact decimal arithmetic: an int64 of ns times a rate keeps every digit
CONTEXT = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN)


class Refused(Exception):
    """An input this script will not correct; the message says why (exit 2)."""


def stop(message, code):
    print(f"{PROGRAM}: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def shown(value):
    """A JSON value as it was written (decimals exactly)."""
    text = str(value) if isinstance(value, Decimal) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def is_number(value):
    """An integer or a finite decimal of the JSON text (never a bool, never NaN or Infinity)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, Decimal) and value.is_finite())


def load_json(path, what):
    """The JSON document at `path`, numbers with a fraction kept exact (Decimal)."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            return json.load(f, parse_float=Decimal)
    except OSError as error:
        raise Refused(f"cannot read the {what} '{path}': {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise Refused(f"the {what} '{path}' is not JSON (not UTF-8: {error.reason})") from None
    except json.JSONDecodeError as error:
        raise Refused(f"the {what} '{path}' is not JSON (line {error.lineno} column {error.colno}: {error.msg})") \
            from None
    except RecursionError:
        raise Refused(f"the {what} '{path}' is nested too deeply to read") from None


class Mapping:
    """One participant's line of the offsets file: its local clock to the agreed time."""

    def __init__(self, entry, where):
        def field(key, check, expected, nullable=False):
            if key not in entry:
                raise Refused(f"{where}: missing \"{key}\"")
            value = entry[key]
            if value is None and nullable:
                return None
            if not check(value):
                raise Refused(f"{where}: \"{key}\" is {shown(value)}, not {expected}")
            return value

        integer = lambda v: isinstance(v, int) and not isinstance(v, bool)  # noqa: E731
        non_negative = lambda v: is_number(v) and v >= 0  # noqa: E731
        self.name = field("name", lambda v: isinstance(v, str) and v != "", "a name")
        self.rank = field("rank", integer, "an integer")
        self.transport = entry.get("transport")
        self.reference_local_ns = field("reference_local_ns", integer, "an integer")
        self.offset_ns = field("offset_ns", integer, "an integer")
        uncertainty = field("offset_uncertainty_ns", non_negative, "a number >= 0 or null", nullable=True)
        # a fraction of a ns (not written by berkeley_mpi) is rounded up: still a bound
        self.offset_uncertainty_ns = None if uncertainty is None else int(Decimal(uncertainty).to_integral_value(
            rounding=decimal.ROUND_CEILING))
        self.rate_ppm = Decimal(field("rate_ppm", is_number, "a number"))
        rate_uncertainty = field("rate_uncertainty_ppm", non_negative, "a number >= 0 or null", nullable=True)
        self.rate_uncertainty_ppm = None if rate_uncertainty is None else Decimal(rate_uncertainty)
        self.events = 0
        self.without_uncertainty = 0

    def to_global_ns(self, local_ns):
        """global(L) = L + offset + rate·1e-6·(L − reference_local), exact (not rounded)."""
        return CONTEXT.add(CONTEXT.add(local_ns, self.offset_ns),
                           CONTEXT.multiply(self.rate_ppm.scaleb(-6), CONTEXT.subtract(local_ns,
                                                                                       self.reference_local_ns)))

    def uncertainty_ns(self, local_ns, assumed_rate_bound_ppm):
        """|true agreed time − global(L)| at most this many ns (an int), or None where nothing bounds it: no
        offset uncertainty stated, or away from the reference instant with neither a measured rate
        uncertainty nor --max-drift-ppm. The same rule as berkeley::ClockMapping::uncertainty_at."""
        if self.offset_uncertainty_ns is None:
            return None
        from_reference = abs(CONTEXT.subtract(local_ns, self.reference_local_ns))
        rate_bound = self.rate_uncertainty_ppm if self.rate_uncertainty_ppm is not None else assumed_rate_bound_ppm
        if rate_bound is None:
            return self.offset_uncertainty_ns if from_reference == 0 else None
        drift = CONTEXT.multiply(rate_bound.scaleb(-6), from_reference).to_integral_value(
            rounding=decimal.ROUND_CEILING)
        return self.offset_uncertainty_ns + int(drift) + ROUNDING_NS


def read_offsets(path):
    doc = load_json(path, "offsets file")
    if not isinstance(doc, dict):
        raise Refused(f"the offsets file '{path}' is not a JSON object")
    found = doc.get("format")
    if found != OFFSETS_FORMAT:
        said = "has no \"format\"" if found is None else f"is of format {shown(found)}"
        raise Refused(f"the offsets file '{path}' {said}; this script reads \"{OFFSETS_FORMAT}\"")
    participants = doc.get("participants")
    if not isinstance(participants, list) or not participants:
        raise Refused(f"the offsets file '{path}': \"participants\" is not a non-empty list")
    mappings = []
    for i, entry in enumerate(participants):
        if not isinstance(entry, dict):
            raise Refused(f"the offsets file '{path}': participant {i} is not an object")
        mappings.append(Mapping(entry, f"the offsets file '{path}', participant {i}"))
    names = [m.name for m in mappings]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise Refused(f"the offsets file '{path}' names {', '.join(twice)} more than once")
    return mappings


def participant_key(text, mappings, where):
    """The participant a --pid-map key names: N, "rank N", "rankN", "client N", "clientN" or its full name."""
    text = text.strip()
    by_name = {m.name: m for m in mappings}
    if text in by_name:
        return by_name[text]
    named = re.fullmatch(r"(rank|client)\s*(-?\d+)", text)
    if named:
        name = f"{named.group(1)} {int(named.group(2))}"
        if name in by_name:
            return by_name[name]
        raise Refused(f"{where}: no participant \"{name}\" in the offsets file")
    if re.fullmatch(r"-?\d+", text):
        found = default_participant(int(text), mappings)
        if found is None:
            raise Refused(f"{where}: no participant numbered {int(text)} in the offsets file")
        return found
    raise Refused(f"{where}: '{text}' names no participant (N, \"rank N\" or \"client N\")")


def default_participant(number, mappings):
    """Participant "rank N", else "client N", else the only one numbered N."""
    by_name = {m.name: m for m in mappings}
    for name in (f"rank {number}", f"client {number}"):
        if name in by_name:
            return by_name[name]
    numbered = [m for m in mappings if m.rank == number]
    return numbered[0] if len(numbered) == 1 else None


def parse_pid_map(text, mappings):
    """--pid-map "K=PID,K=PID": {pid: mapping}. A pid is an integer, or any other text for string pids."""
    pid_map = {}
    for item in (part for part in text.split(",") if part.strip()):
        where = f"--pid-map '{item.strip()}'"
        if "=" not in item:
            raise Refused(f"{where}: expected PARTICIPANT=PID")
        key, pid_text = item.rsplit("=", 1)
        pid_text = pid_text.strip()
        if not pid_text:
            raise Refused(f"{where}: no pid")
        pid = int(pid_text) if re.fullmatch(r"-?\d+", pid_text) else pid_text
        mapping = participant_key(key, mappings, where)
        if pid in pid_map and pid_map[pid] is not mapping:
            raise Refused(f"{where}: pid {pid} is already {pid_map[pid].name}")
        pid_map[pid] = mapping
    if not pid_map:
        raise Refused("--pid-map: empty")
    return pid_map


def mapping_of(pid, pid_map, mappings):
    if pid_map is not None:
        return pid_map.get(pid)
    if isinstance(pid, int) and not isinstance(pid, bool):
        return default_participant(pid, mappings)
    return None


def events_of(trace, path):
    if isinstance(trace, list):
        return trace
    if isinstance(trace, dict) and isinstance(trace.get("traceEvents"), list):
        return trace["traceEvents"]
    raise Refused(f"the trace '{path}' is neither a list of events nor an object with a \"traceEvents\" list")


def listed(items):
    shown = ", ".join(items[:SHOWN])
    return shown + (f", ... ({len(items)} in all)" if len(items) > SHOWN else "")


def check_events(events, pid_map, mappings, path, offsets_path):
    """Refuses the trace unless every event that carries time has a numeric ts and a covered pid."""
    bad = []
    uncovered = {}
    corrected_before = []
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            bad.append(f"#{index} (not an object)")
            continue
        if event.get("ph") == "M":
            continue  # metadata: no time to correct, whatever its pid
        if not is_number(event.get("ts")):
            bad.append(f"#{index} (ts {shown(event.get('ts'))})" if "ts" in event
                       else f"#{index} (no ts)")
            continue
        if "pid" not in event:
            bad.append(f"#{index} (no pid)")
            continue
        if mapping_of(event["pid"], pid_map, mappings) is None:
            key = shown(event["pid"])
            uncovered[key] = uncovered.get(key, 0) + 1
        args = event.get("args")
        if isinstance(args, dict) and UNCERTAINTY_KEY in args:
            corrected_before.append(f"#{index}")
    if bad:
        raise Refused(f"the trace '{path}': events without a numeric ts or a pid: {listed(bad)}")
    if uncovered:
        in_order = sorted(uncovered.items(), key=lambda item: (not re.fullmatch(r"-?\d+", item[0]),
                                                               int(item[0]) if re.fullmatch(r"-?\d+", item[0]) else 0,
                                                               item[0]))
        pids = [f"pid {pid} ({count} event{'s' if count != 1 else ''})" for pid, count in in_order]
        covered = [m.name for m in mappings]
        how = "--pid-map covers only its own pids" if pid_map is not None else \
            "pid N is \"rank N\", or \"client N\"; --pid-map maps others"
        raise Refused(f"the trace '{path}' has events of {listed(pids)}, which the offsets file "
                      f"'{offsets_path}' does not cover (it has {listed(covered)}; {how})")
    if corrected_before:
        raise Refused(f"the trace '{path}' is already corrected: events {listed(corrected_before)} carry "
                      f"args.{UNCERTAINTY_KEY}")


def us_of_ns(ns):
    """Whole ns as µs with three decimals, exactly."""
    return Decimal(int(ns)).scaleb(-3)


def correct(events, pid_map, mappings, max_drift_ppm):
    """Rewrites the events in place; returns the largest uncertainty (ns) and its participant."""
    largest = None
    for event in events:
        if not isinstance(event, dict) or event.get("ph") == "M":
            continue
        mapping = mapping_of(event["pid"], pid_map, mappings)
        local_ns = CONTEXT.multiply(Decimal(event["ts"]), 1000)
        event["ts"] = us_of_ns(mapping.to_global_ns(local_ns).to_integral_value(rounding=decimal.ROUND_HALF_EVEN))
        if is_number(event.get("dur")) and mapping.rate_ppm != 0:
            scaled_ns = CONTEXT.multiply(CONTEXT.multiply(Decimal(event["dur"]), 1000),
                                         CONTEXT.add(1, mapping.rate_ppm.scaleb(-6)))
            event["dur"] = us_of_ns(scaled_ns.to_integral_value(rounding=decimal.ROUND_HALF_EVEN))
        mapping.events += 1
        uncertainty = mapping.uncertainty_ns(local_ns, max_drift_ppm)
        if uncertainty is None or not isinstance(event.get("args", {}), dict):
            mapping.without_uncertainty += 1  # (an args that is not an object has no room for it)
            continue
        event.setdefault("args", {})[UNCERTAINTY_KEY] = us_of_ns(uncertainty)
        if largest is None or uncertainty > largest[0]:
            largest = (uncertainty, mapping.name)
    return largest


def encode(value, out):
    """JSON text of `value` into the list `out`, decimals written exactly as they are."""
    if isinstance(value, dict):
        out.append("{")
        for i, (key, item) in enumerate(value.items()):
            if i:
                out.append(",")
            out.append(json.dumps(str(key), ensure_ascii=False))
            out.append(":")
            encode(item, out)
        out.append("}")
    elif isinstance(value, list):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            encode(item, out)
        out.append("]")
    elif isinstance(value, Decimal):
        out.append(str(value))
    else:
        out.append(json.dumps(value, ensure_ascii=False))


def write_trace(trace, events, path):
    """The trace in its own shape (an object or a bare list), one event per line."""
    def event_lines(f):
        f.write("[\n")
        for i, event in enumerate(events):
            parts = []
            encode(event, parts)
            f.write("".join(parts) + (",\n" if i + 1 < len(events) else "\n"))
        f.write("]")

    created = False  # a regular file this run made: the only kind it removes again
    existed = os.path.lexists(path)
    try:
        with open(path, "w", encoding="utf-8") as f:
            created = not existed and os.path.isfile(path)
            if isinstance(trace, list):
                event_lines(f)
            else:
                f.write("{")
                for i, (key, value) in enumerate(trace.items()):
                    f.write(("," if i else "") + "\n" + json.dumps(str(key), ensure_ascii=False) + ":")
                    if key == "traceEvents":
                        event_lines(f)
                    else:
                        parts = []
                        encode(value, parts)
                        f.write("".join(parts))
                f.write("\n}")
            f.write("\n")
    except OSError as error:
        if created:  # a partial file (disk full, ...) is no corrected trace
            try:
                os.remove(path)
            except OSError:
                pass
        stop(f"cannot write '{path}': {error.strerror or error}", EXIT_OUTPUT)


def summary(mappings, largest, metadata, path):
    counts = ", ".join(f"{m.name}: {m.events}" for m in mappings if m.events)
    corrected = sum(m.events for m in mappings)
    line = f"{corrected} events corrected ({counts or 'none'}), {metadata} metadata events kept"
    if largest is not None:
        line += f"; largest uncertainty {us_of_ns(largest[0])} us ({largest[1]})"
    unknown = [m for m in mappings if m.without_uncertainty]
    if unknown:
        missing = sum(m.without_uncertainty for m in unknown)
        why = [f"{m.name}: " + ("no offset uncertainty stated" if m.offset_uncertainty_ns is None
                                else "rate not measured, see --max-drift-ppm") for m in unknown]
        line += f"; no uncertainty for {missing} events ({listed(why)})"
    return f"{line}; written to {path}"


def main():
    parser = argparse.ArgumentParser(prog=PROGRAM, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trace", help="Trace Event JSON (an object with traceEvents, or a list of events)")
    parser.add_argument("--offsets", required=True, metavar="FILE",
                        help="the offsets file (berkeley_mpi --offsets FILE)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="where the corrected trace goes")
    parser.add_argument("--max-drift-ppm", metavar="X",
                        help="bound on the unmeasured drift (ppm) of a participant's clock against the agreed "
                             "time, for participants whose rate_uncertainty_ppm is null")
    parser.add_argument("--pid-map", metavar="K=PID,...",
                        help="which pid is which participant (replaces the default pid N = rank N), e.g. "
                             "'0=4711,1=4712' or 'rank 0=4711,client 3=9000'")
    opts = parser.parse_args()
    try:
        max_drift_ppm = None
        if opts.max_drift_ppm is not None:
            try:
                max_drift_ppm = Decimal(opts.max_drift_ppm)
            except decimal.InvalidOperation:
                max_drift_ppm = None
            if max_drift_ppm is None or not max_drift_ppm.is_finite() or max_drift_ppm < 0:
                raise Refused(f"--max-drift-ppm: '{opts.max_drift_ppm}' is not a number >= 0")
        mappings = read_offsets(opts.offsets)
        pid_map = parse_pid_map(opts.pid_map, mappings) if opts.pid_map is not None else None
        trace = load_json(opts.trace, "trace")
        events = events_of(trace, opts.trace)
        check_events(events, pid_map, mappings, opts.trace, opts.offsets)
    except Refused as refused:
        stop(str(refused), EXIT_INPUT)
    largest = correct(events, pid_map, mappings, max_drift_ppm)
    write_trace(trace, events, opts.output)
    metadata = sum(1 for e in events if isinstance(e, dict) and e.get("ph") == "M")
    print(f"{PROGRAM}: {summary(mappings, largest, metadata, opts.output)}", flush=True)


if __name__ == "__main__":
    main()
