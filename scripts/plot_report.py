#!/usr/bin/python3
"""Draws one berkeley_mpi run from its JSON report (berkeley_mpi --json, format "berkeley_mpi/1") into a PNG.

  scripts/plot_report.py report.json -o run.png

Example:
  cd build && mpirun -np 4 ./berkeley_mpi --json /tmp/r.json && ../scripts/plot_report.py /tmp/r.json -o run.png

Panels (each only where the report has data for it):
  before sync   every participant's offset from the master (ranks "rank N", TCP clients "client N"); excluded
                participants (left out of the average) are hatched and named so
  after sync    where each clock ended: against the master (measured at the shared instant, or estimated where
                the participants read different clocks), the sync's stated bound on that, the audit's
                re-measurement ± its uncertainty, and the residual against the agreed time
  per round     largest |correction| and largest estimate uncertainty; clocks averaged and excluded
  drift         the fitted drift against the master ± its uncertainty (two standard errors), beside the drawn
                one where the clocks are simulated; the error against the agreed time at the later instants,
                measured beside the fit's predicted error
Exit codes: 0 written, 2 the input is missing, not JSON or not a berkeley_mpi report, 3 the output cannot be
written, 1 matplotlib missing or an internal error. Needs Debian's python3-matplotlib (hence /usr/bin/python3).
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_common  # noqa: E402
from plot_common import (DPI, NUMBER, InputError, argument_parser, duration, load_or_die, pyplot,  # noqa: E402
                         read_json, save, unit_for)

PROGRAM = plot_common.name_program("plot_report.py")
FORMAT = "berkeley_mpi/1"
# predicted errors of a participant the fit could not plan come out as a huge count: not plotted
ABSURD_NS = 10**15

# one colour per meaning, the same in every panel
C_BEFORE = "#4c72b0"
C_EXCLUDED = "#c44e52"
C_TRUTH = "#222222"
C_BOUND = "#8ecae6"
C_AUDIT = "#dd8452"
C_RESIDUAL = "#55a868"
C_UNCERTAINTY = "#8172b3"


def load_report(path):
    report = read_json(path)
    if not isinstance(report, dict):
        raise InputError(f"{path}: not a berkeley_mpi report (a JSON {type(report).__name__}, not an object)")
    if "format" not in report:
        raise InputError(f'{path}: not a berkeley_mpi report (no "format" field; expected "{FORMAT}")')
    if report["format"] != FORMAT:
        raise InputError(f'{path}: not a berkeley_mpi report (format {json.dumps(report["format"])}, '
                         f'expected "{FORMAT}")')
    if not isinstance(report.get("ranks"), list):
        raise InputError(f'{path}: not a berkeley_mpi report (no "ranks" array)')
    if not report["ranks"]:
        raise InputError(f'{path}: the report lists no participants ("ranks" is empty)')
    problem = incomplete(report)
    if problem:
        raise InputError(f"{path}: not a complete berkeley_mpi report ({problem})")
    return report


RANK_FIELDS = {"rank": int, "offset_before_ns": NUMBER, "offset_after_ns": NUMBER, "residual_ns": NUMBER}
AUDIT_FIELDS = {"audit_residual_ns": NUMBER, "audit_uncertainty_ns": NUMBER}
DRIFT_FIELDS = {"drift_ppm": NUMBER, "drift_uncertainty_ppm": NUMBER, "simulated_drift_ppm": NUMBER}
ROUND_FIELDS = {"round": int, "max_abs_correction_ns": NUMBER, "max_uncertainty_ns": NUMBER,
                "clocks_averaged": int, "clocks_excluded": int}


def missing_field(entry, fields, where):
    if not isinstance(entry, dict):
        return f"{where} is not an object"
    for name, kind in fields.items():
        if name not in entry:
            return f'{where} has no "{name}"'
        if isinstance(entry[name], bool) or not isinstance(entry[name], kind):
            return f'{where}: "{name}" is {json.dumps(entry[name])}, not a number'
    return None


def incomplete(report):
    """What the panels need and the report lacks (None: nothing)."""
    for i, r in enumerate(report["ranks"]):
        fields = dict(RANK_FIELDS)
        if isinstance(r, dict) and r.get("audited"):
            fields.update(AUDIT_FIELDS)
        if report.get("drift_corrected"):
            fields.update(DRIFT_FIELDS)
        problem = missing_field(r, fields, f"ranks[{i}]")
        if problem:
            return problem
    rounds = report.get("rounds", [])
    if not isinstance(rounds, list):
        return '"rounds" is not an array'
    for i, r in enumerate(rounds):
        problem = missing_field(r, ROUND_FIELDS, f"rounds[{i}]")
        if problem:
            return problem
    for name in ("later_ns", "spread_later_ns", "spread_later_bound_ns", "left_out"):
        if report.get(name) is not None and not isinstance(report[name], list):
            return f'"{name}" is not an array'
    return None


# --- numbers ---------------------------------------------------------------------------------------------------

def finite_ns(value):
    return value is not None and isinstance(value, (int, float)) and abs(value) < ABSURD_NS


def counted(n, noun):
    return f"{n} {noun}" + ("" if n == 1 else "s")


def member_name(r):
    """As the program names them (report_builder.cpp: member_name)."""
    return ("client " if r.get("transport") == "tcp" and r["rank"] != 0 else "rank ") + str(r["rank"])


# --- panels ---------------------------------------------------------------------------------------------------

def band(ax, x, half, **style):
    """A bar from -half to +half that autoscaling pads like any other artist (bars stick to their base)."""
    for patch in ax.bar(x, 2 * half, bottom=-half, width=0.7, zorder=1, **style):
        patch.sticky_edges.y[:] = []


def participant_axis(ax, ranks):
    def name(r):
        notes = (["master"] if r["rank"] == 0 else []) + (["excluded"] if r.get("excluded") else [])
        return member_name(r) + ("\n" + ", ".join(notes) if notes else "")
    names = [name(r) for r in ranks]
    ax.set_xticks(range(len(ranks)))
    rotate = len(ranks) > 10
    ax.set_xticklabels(names, rotation=60 if rotate else 0, ha="right" if rotate else "center",
                       fontsize=8 if len(ranks) > 6 else 9)
    for label, r in zip(ax.get_xticklabels(), ranks):
        if r.get("excluded"):
            label.set_color(C_EXCLUDED)
    ax.set_xlim(-0.6, len(ranks) - 0.4)
    ax.axhline(0, color="#999999", linewidth=0.8, zorder=0)
    ax.grid(axis="y", alpha=0.3)


def draw_before(ax, report):
    ranks = report["ranks"]
    values = [r["offset_before_ns"] for r in ranks]
    name, scale = unit_for(values)
    shown = [v / scale for v in values]
    colours = [C_EXCLUDED if r.get("excluded") else C_BEFORE for r in ranks]
    bars = ax.bar(range(len(ranks)), shown, color=colours, width=0.6, zorder=2)
    for bar, r in zip(bars, ranks):
        bar.sticky_edges.y[:] = []  # pad above 0 too: room for the labels
        if r.get("excluded"):
            bar.set_hatch("//")
            bar.set_edgecolor("white")
    if len(ranks) <= 12:
        labels = ["" if r["rank"] == 0 and v == 0 else duration(v) for r, v in zip(ranks, values)]
        ax.bar_label(bars, labels=labels, padding=2, fontsize=7.5 if len(ranks) > 6 else 8.5)
        ax.margins(y=0.12)
    nonzero = [abs(v) for v in shown if v != 0]
    # offsets many decades apart (e.g. --clock system: µs beside ms): symlog, so the small ones still show
    if nonzero and max(nonzero) / min(nonzero) > 100:
        linthresh = 10 ** math.floor(math.log10(min(nonzero)))
        ax.set_yscale("symlog", linthresh=linthresh)
        ax.set_ylabel(f"clock − master's [{name}] (symlog)")
    else:
        ax.set_ylabel(f"clock − master's [{name}]")
    participant_axis(ax, ranks)
    if any(r.get("excluded") for r in ranks):
        from matplotlib.patches import Patch
        ax.legend(handles=[Patch(facecolor=C_BEFORE, label="averaged"),
                           Patch(facecolor=C_EXCLUDED, hatch="//", edgecolor="white",
                                 label="excluded from the average")], fontsize=8, loc="best")
    ax.set_title(f"before sync: offset from the master (spread {duration(report.get('spread_before_ns'))})",
                 fontsize=10)


def draw_after(ax, report):
    ranks = report["ranks"]
    measured = bool(report.get("truth_measured"))
    bounds = [r.get("offset_after_bound_ns") for r in ranks]
    audits = [(r["audit_residual_ns"], r["audit_uncertainty_ns"]) if r.get("audited") else None for r in ranks]
    span = [r["offset_after_ns"] for r in ranks] + [r["residual_ns"] for r in ranks]
    span += [b for b in bounds if b is not None]
    span += [abs(a[0]) + a[1] for a in audits if a is not None]
    name, scale = unit_for(span)
    xs = range(len(ranks))
    # the stated bound on clock − master, a band per participant
    bound_drawn = False
    for x, b in zip(xs, bounds):
        if b is not None and b > 0:
            band(ax, x, b / scale, color=C_BOUND, alpha=0.55,
                 label=None if bound_drawn else "stated bound on clock − master (±)")
            bound_drawn = True
    # clock − master at the shared instant: measured (one clock domain) or estimated
    held = [r.get("bound_held") for r in ranks]
    truth_label = "clock − master, " + ("measured at the shared instant" if measured
                                        else "estimated (no shared clock)")
    ok = [x for x, h in zip(xs, held) if h is not False]
    broken = [x for x, h in zip(xs, held) if h is False]
    ax.scatter(ok, [ranks[x]["offset_after_ns"] / scale for x in ok], marker="D", s=30, color=C_TRUTH,
               zorder=4, label=truth_label)
    if broken:
        ax.scatter(broken, [ranks[x]["offset_after_ns"] / scale for x in broken], marker="D", s=45,
                   color=C_EXCLUDED, zorder=5, label="clock − master: beyond its stated bound")
    # the audit: an independent re-measurement of clock − master, ± its uncertainty
    consistent = [(x, a) for x, a in zip(xs, audits) if a is not None and ranks[x].get("audit_consistent", True)]
    if consistent:
        ax_x = [x + 0.22 for x, _ in consistent]
        ax_y = [a[0] / scale for _, a in consistent]
        ax_e = [a[1] / scale for _, a in consistent]
        ax.errorbar(ax_x, ax_y, yerr=ax_e, fmt="o", markersize=4, color=C_AUDIT, ecolor=C_AUDIT, elinewidth=2,
                    capsize=4, zorder=3, label="audit: clock − master ± uncertainty")
    inconsistent = [x for x, a in zip(xs, audits) if a is not None and not ranks[x].get("audit_consistent", True)]
    if inconsistent:
        ax.scatter([x + 0.22 for x in inconsistent], [ranks[x]["audit_residual_ns"] / scale for x in inconsistent],
                   marker="x", color=C_AUDIT, zorder=3, label="audit inconsistent (unbounded)")
    # the residual: against the agreed time (the mean of the averaged clocks), not the master
    ax.scatter([x - 0.22 for x in xs], [r["residual_ns"] / scale for r in ranks], marker="s", s=22,
               color=C_RESIDUAL, zorder=3, label="residual: clock − agreed time")
    participant_axis(ax, ranks)
    ax.set_ylabel(f"after sync [{name}]")
    bound = report.get("spread_after_bound_ns")
    verdict = {True: "held", False: "NOT held"}.get(report.get("bounds_held"), "not checked")
    title = f"after sync: spread {duration(report.get('spread_after_ns'))}"
    if bound is not None:
        title += f", stated bound {duration(bound)} ({verdict})"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False)


def draw_round_sizes(ax, report):
    rounds = report["rounds"]
    xs = [r["round"] for r in rounds]
    corrections = [r["max_abs_correction_ns"] for r in rounds]
    uncertainties = [r["max_uncertainty_ns"] for r in rounds]
    ax.set_yscale("log")
    for values, colour, marker, label in ((corrections, C_BEFORE, "o", "largest |correction|"),
                                          (uncertainties, C_UNCERTAINTY, "s", "largest estimate uncertainty (±)")):
        points = [(x, v) for x, v in zip(xs, values) if v > 0]
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], marker=marker, color=colour, label=label)
    from matplotlib.ticker import FuncFormatter
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: duration(v)))
    ax.set_ylabel("duration (log scale)")
    ax.set_xlabel("round")
    ax.set_xticks(xs)
    if len(xs) == 1:
        ax.set_xlim(xs[0] - 1, xs[0] + 1)
    ax.grid(alpha=0.3, which="major")
    ax.legend(fontsize=8, loc="best")
    ax.set_title("per round: corrections and measurement uncertainty", fontsize=10)


def draw_round_counts(ax, report):
    rounds = report["rounds"]
    xs = [r["round"] for r in rounds]
    averaged = [r["clocks_averaged"] for r in rounds]
    excluded = [r["clocks_excluded"] for r in rounds]
    ax.bar(xs, averaged, width=0.6, color=C_BEFORE, label="clocks averaged")
    ax.bar(xs, excluded, bottom=averaged, width=0.6, color=C_EXCLUDED, hatch="//", edgecolor="white",
           label="clocks excluded")
    ax.set_xticks(xs)
    if len(xs) == 1:
        ax.set_xlim(xs[0] - 1.5, xs[0] + 1.5)
    from matplotlib.ticker import MaxNLocator
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(a + e for a, e in zip(averaged, excluded)) * 1.3 + 0.5)
    ax.set_xlabel("round")
    ax.set_ylabel("clocks")
    ax.legend(fontsize=8, loc="upper right", ncol=2)
    ax.set_title("per round: clocks in the average", fontsize=10)


def simulated(report):
    return report.get("parameters", {}).get("clock") == "simulated"


def draw_drift(ax, report):
    ranks = report["ranks"]
    xs = list(range(len(ranks)))
    ax.errorbar([x - 0.12 for x in xs], [r["drift_ppm"] for r in ranks],
                yerr=[r["drift_uncertainty_ppm"] for r in ranks], fmt="o", markersize=5, color=C_BEFORE,
                capsize=4, elinewidth=2, label="fitted drift against the master ± 2 standard errors")
    if simulated(report):
        master = ranks[0]["simulated_drift_ppm"]
        ax.scatter([x + 0.12 for x in xs], [r["simulated_drift_ppm"] - master for r in ranks], marker="x",
                   s=50, color=C_TRUTH, zorder=3, label="drawn drift − the master's (simulated clocks)")
    participant_axis(ax, ranks)
    ax.set_ylabel("drift against the master [ppm]")
    ax.legend(fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=1, frameon=False)
    ax.set_title("drift fitted over the rounds", fontsize=10)


def later_instants(report):
    """The indices of the later instants (later_ns) where some participant has a predicted or measured error."""
    out = []
    for k, _ in enumerate(report.get("later_ns") or []):
        if any(len(r.get("predicted_error_ns") or []) > k and finite_ns(r["predicted_error_ns"][k])
               or len(r.get("measured_error_ns") or []) > k and finite_ns(r["measured_error_ns"][k])
               for r in report["ranks"]):
            out.append(k)
    return out


def draw_later(ax, report, k):
    ranks = report["ranks"]
    later = report["later_ns"][k]
    predicted = [r["predicted_error_ns"][k] if len(r.get("predicted_error_ns") or []) > k else None for r in ranks]
    measured = [r["measured_error_ns"][k] if len(r.get("measured_error_ns") or []) > k else None for r in ranks]
    name, scale = unit_for([p for p in predicted if finite_ns(p)] + [m for m in measured if finite_ns(m)])
    shown = False
    for x, p in enumerate(predicted):
        if finite_ns(p) and p > 0:
            band(ax, x, p / scale, color=C_BOUND, alpha=0.55,
                 label=None if shown else "predicted error (± the fit's standard error)")
            shown = True
    points = [(x, m) for x, m in enumerate(measured) if finite_ns(m)]
    if points:
        ax.scatter([p[0] for p in points], [p[1] / scale for p in points], marker="D", s=30, color=C_TRUTH,
                   zorder=3, label="measured error (simulated clocks)")
    participant_axis(ax, ranks)
    ax.set_ylabel(f"clock − agreed time [{name}]")
    title = f"{duration(later)} after the sync"
    spreads = report.get("spread_later_ns") or []
    bounds = report.get("spread_later_bound_ns") or []
    if len(spreads) > k and spreads[k] is not None:
        title += f": spread {duration(spreads[k])}"
        if len(bounds) > k and bounds[k] is not None:
            title += f", bound {duration(bounds[k])}"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=1, frameon=False)


def title_of(report):
    p = report.get("parameters", {})
    ranks = report["ranks"]
    clients = sum(1 for r in ranks if r.get("transport") == "tcp" and r["rank"] != 0)
    who = counted(len(ranks) - clients, "rank") + (f" + {counted(clients, 'TCP client')}" if clients else "")
    rounds = p.get("rounds", len(report.get("rounds") or []))
    bits = [who, counted(rounds, "round"), f"method {p.get('method', '?')}",
            f"clock {p.get('clock', '?')}"]
    if p.get("drift_ppm"):
        bits.append(f"drift ±{p['drift_ppm']:g} ppm")
    if p.get("interval_ns"):
        bits.append(f"interval {duration(p['interval_ns'])}")
    how = "measured" if report.get("truth_measured") else "estimated"
    second = (f"spread before {duration(report.get('spread_before_ns'))}, "
              f"after {duration(report.get('spread_after_ns'))} ({how})")
    bound = report.get("spread_after_bound_ns")
    if bound is not None:
        verdict = {True: "held", False: "NOT held"}.get(report.get("bounds_held"), "not checked")
        second += f", stated bound {duration(bound)} ({verdict})"
    if report.get("audit_max_bound_ns") is not None:
        second += f"; audit: every clock within {duration(report['audit_max_bound_ns'])} of the master"
    lines = ["berkeley_mpi: " + ", ".join(bits), second]
    rounds = report.get("rounds") or []
    if len(rounds) == 1:
        r = rounds[0]
        lines.append(f"the round: {counted(r['clocks_averaged'], 'clock')} averaged, {r['clocks_excluded']} "
                     f"excluded, largest |correction| {duration(r['max_abs_correction_ns'])}, "
                     f"largest estimate uncertainty ±{duration(r['max_uncertainty_ns'])}")
    return "\n".join(lines)


def plan_panels(report):
    """Rows of (name, drawing function, width): only what the report has data for."""
    rows = []
    ranks = report["ranks"]
    rows.append([("before", lambda ax: draw_before(ax, report), 1), ("after", lambda ax: draw_after(ax, report), 1)])
    rounds = report.get("rounds") or []
    # one round: its figures go into the title (a panel would be a single point)
    if len(rounds) > 1:
        row = []
        if any(r["max_abs_correction_ns"] > 0 or r["max_uncertainty_ns"] > 0 for r in rounds):
            row.append(("rounds", lambda ax: draw_round_sizes(ax, report), 2))
        row.append(("clocks per round", lambda ax: draw_round_counts(ax, report), 1))
        rows.append(row)
    if report.get("drift_corrected"):
        row = []
        if any(r.get("drift_ppm") or r.get("drift_uncertainty_ppm") for r in ranks):
            row.append(("drift", lambda ax: draw_drift(ax, report), 1))
        for k in later_instants(report):
            row.append((f"later {duration(report['later_ns'][k])}", lambda ax, k=k: draw_later(ax, report, k), 1))
        if row:
            rows.append(row)
    return rows


def draw(report, output):
    plt = pyplot()
    rows = plan_panels(report)
    columns = max(len(row) for row in rows)
    width = 6.5 * max(2, columns)
    fig = plt.figure(figsize=(width, 1.9 + 4.5 * len(rows)), dpi=DPI, layout="constrained")
    grid = fig.add_gridspec(len(rows), 1)
    drawn = []
    for i, row in enumerate(rows):
        cells = grid[i].subgridspec(1, len(row), width_ratios=[w for _, _, w in row])
        for j, (name, paint, _) in enumerate(row):
            paint(fig.add_subplot(cells[0, j]))
            drawn.append(name)
    fig.suptitle(title_of(report), fontsize=11)
    left_out = report.get("left_out") or []
    if left_out:
        fig.supxlabel("left out (not in the panels): " + "; ".join(map(str, left_out)), fontsize=8)
    save(fig, output)
    return drawn


def main():
    parser = argument_parser(__doc__)
    parser.add_argument("report", help="the JSON report of berkeley_mpi --json")
    parser.add_argument("-o", "--output", help="the PNG to write (default: the report's name with .png)")
    opts = parser.parse_args()
    output = opts.output or os.path.splitext(opts.report)[0] + ".png"
    report = load_or_die(load_report, opts.report)
    drawn = draw(report, output)
    print(f"wrote {output} (panels: {', '.join(drawn)})")


if __name__ == "__main__":
    main()
