#!/usr/bin/python3
"""Draws the sync methods side by side from berkeley_bench JSON files (one per rank count) into a PNG.

  scripts/plot_bench.py bench-results/bench-*.json -o bench-results/methods.png

Example:
  scripts/plot_bench.py bench-results/bench-2.json bench-results/bench-4.json -o bench-results/methods.png

Panels, grouped by rank count, one bar per method:
  sync time     the median time until every clock is corrected (whiskers: fastest and slowest timed sync),
                against the floor measured in the same run (one MPI_Gather+MPI_Scatter of an int64)
  spread after  the true spread just after a probed sync (median; whiskers and dots: every probe), the
                spread the sync stated as its bound (median), the spread --later after (median), and the
                band below which the truth itself cannot tell (each clock's truth known to ± truth_bound_ns)
Exit codes: 0 written, 2 an input is missing, not JSON or not a berkeley_bench report, 3 the output cannot be
written, 1 matplotlib missing or an internal error. Needs Debian's python3-matplotlib (hence /usr/bin/python3).
"""
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_common  # noqa: E402
from plot_common import (DPI, EXIT_INPUT, NUMBER, InputError, argument_parser, die, duration,  # noqa: E402
                         load_or_die, pyplot, read_json, save)

PROGRAM = plot_common.name_program("plot_bench.py")
COLOURS = {"collective": "#4c72b0", "pingpong": "#dd8452", "tree": "#55a868"}
SPARE_COLOURS = ["#8172b3", "#937860", "#da8bc3", "#8c8c8c"]
METHOD_FIELDS = {"median_sync_time_ns": NUMBER, "median_spread_after_ns": NUMBER, "sync_times_ns": list,
                 "spreads_after_ns": list}


def load_bench(path):
    doc = read_json(path)
    what = f"{path}: not a berkeley_bench report"
    if not isinstance(doc, dict):
        raise InputError(f"{what} (a JSON {type(doc).__name__}, not an object)")
    if "format" in doc:  # berkeley_mpi's reports say what they are; berkeley_bench's do not
        raise InputError(f'{what} (format {json.dumps(doc["format"])}: berkeley_bench writes no "format")')
    if not isinstance(doc.get("np"), int) or isinstance(doc.get("np"), bool) or doc["np"] < 1:
        raise InputError(f'{what} (no rank count "np")')
    if not isinstance(doc.get("methods"), dict) or not doc["methods"]:
        raise InputError(f'{what} (no "methods" object)')
    for method, figures in doc["methods"].items():
        if not isinstance(figures, dict):
            raise InputError(f'{what} (methods["{method}"] is not an object)')
        for name, kind in METHOD_FIELDS.items():
            if not isinstance(figures.get(name), kind) or isinstance(figures.get(name), bool):
                raise InputError(f'{what} (methods["{method}"] has no "{name}")')
            if kind is list and not all(isinstance(v, NUMBER) for v in figures[name]):
                raise InputError(f'{what} (methods["{method}"]["{name}"] holds a value that is not a number)')
    return doc


def layout(docs):
    """The rank counts (sorted), the methods (in the order first seen) and each bar's x position."""
    nps = sorted({d["np"] for d in docs})
    methods = []
    for d in docs:
        for m in d["methods"]:
            if m not in methods:
                methods.append(m)
    width = 0.8 / len(methods)
    x = {}
    for g, np in enumerate(nps):
        for k, m in enumerate(methods):
            x[(np, m)] = g + (k - (len(methods) - 1) / 2) * width
    return nps, methods, width, x


def colour_of(methods):
    spare = iter(SPARE_COLOURS * 4)
    return {m: COLOURS.get(m) or next(spare) for m in methods}


def group_axis(ax, nps, note=""):
    ax.set_xticks(range(len(nps)))
    ax.set_xticklabels([f"np {n}" for n in nps])
    ax.set_xlabel("ranks" + note, fontsize=9)
    ax.set_xlim(-0.6, len(nps) - 0.4)
    ax.grid(axis="y", alpha=0.3)


def draw_sync_time(ax, docs, nps, methods, width, x, colours):
    us = 1e3
    floor_drawn = False
    for d in docs:
        for m, f in d["methods"].items():
            times = f["sync_times_ns"] or [f["median_sync_time_ns"]]
            median = f["median_sync_time_ns"] / us
            ax.bar(x[(d["np"], m)], median, width=width * 0.9, color=colours[m], zorder=2, label=m)
            ax.errorbar(x[(d["np"], m)], median, yerr=[[median - min(times) / us], [max(times) / us - median]],
                        fmt="none", ecolor="#333333", capsize=3, zorder=3)
        floor = (d.get("floors") or {}).get("gather_scatter_ns")
        if isinstance(floor, NUMBER) and floor > 0:
            g = nps.index(d["np"])
            ax.hlines(floor / us, g - 0.45, g + 0.45, colors="black", linestyles="--", zorder=4,
                      label=None if floor_drawn else "floor: one MPI_Gather+MPI_Scatter of an int64")
            floor_drawn = True
    values = [t for d in docs for f in d["methods"].values() for t in f["sync_times_ns"] + [f["median_sync_time_ns"]]]
    positive = [v for v in values if v > 0]
    if positive and max(positive) / min(positive) > 30:
        ax.set_yscale("log")
        from matplotlib.ticker import FuncFormatter
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_ylabel("sync time [µs] (log scale)")
    else:
        ax.set_ylabel("sync time [µs]")
    group_axis(ax, nps)
    dedupe_legend(ax, fontsize=8, loc="upper left")
    ax.set_title("sync time until every clock is corrected (median; whiskers: fastest … slowest)", fontsize=10)


def dedupe_legend(ax, **kwargs):
    handles, labels = ax.get_legend_handles_labels()
    seen = {}
    for h, l in zip(handles, labels):
        seen.setdefault(l, h)
    ax.legend(list(seen.values()), list(seen.keys()), **kwargs)


def draw_spread(ax, docs, nps, methods, width, x, colours):
    later = {d.get("later_ns") for d in docs if isinstance(d.get("later_ns"), NUMBER)}
    later_text = f"{duration(next(iter(later)))} later" if len(later) == 1 else "--later after each"
    drawn = set()

    def once(label):
        if label in drawn:
            return None
        drawn.add(label)
        return label

    for d in docs:
        truth = 0
        for m, f in d["methods"].items():
            at = x[(d["np"], m)]
            spreads = f["spreads_after_ns"]
            median = f["median_spread_after_ns"]
            ax.bar(at, median, width=width * 0.9, color=colours[m], zorder=2)  # the method legend: left panel
            if spreads:
                ax.errorbar(at, median, yerr=[[median - min(spreads)], [max(spreads) - median]], fmt="none",
                            ecolor="#333333", capsize=3, zorder=3)
                ax.scatter([at] * len(spreads), spreads, s=9, color="#333333", zorder=4,
                           label=once("every probed sync"))
            bounds = f.get("spread_bounds_ns") or []
            if bounds and all(isinstance(b, NUMBER) for b in bounds):
                ax.scatter([at], [statistics.median(bounds)], marker="v", s=60, facecolor="white",
                           edgecolor="black", zorder=5, label=once("stated spread bound (median)"))
            later_spread = f.get("median_spread_later_ns")
            if isinstance(later_spread, NUMBER):
                ax.scatter([at + width * 0.25], [later_spread], marker="D", s=22, color="#c44e52", zorder=5,
                           label=once(f"spread {later_text} (median)"))
            if f.get("truth") not in (None, "exact") and isinstance(f.get("truth_bound_ns"), NUMBER):
                truth = max(truth, f["truth_bound_ns"])
        if truth > 0:  # this rank count's truth (none where the clocks are simulated: exact)
            g = nps.index(d["np"])
            ax.fill_between([g - 0.48, g + 0.48], 0, 2 * truth, color="#bbbbbb", alpha=0.45, zorder=1,
                            label=once("below the truth's resolution (2 × its ± per clock)"))
            ax.text(g + 0.47, 2 * truth, f"2 × ±{duration(truth)}", ha="right", va="bottom", fontsize=7,
                    color="#555555")
    # spreads from 0 ns (a perfect probe) to µs: symlog, linear below 1 ns
    ax.set_yscale("symlog", linthresh=1.0, linscale=0.3)
    ax.set_ylim(bottom=0)
    from matplotlib.ticker import FuncFormatter
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: duration(v) if v > 0 else "0"))
    ax.set_ylabel("true spread after the sync (symlog scale)")
    group_axis(ax, nps, " (bars: the methods, coloured as on the left)")
    dedupe_legend(ax, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, frameon=False)
    ax.set_title("precision: true spread of the clocks just after a probed sync (median)", fontsize=10)


def title_of(docs):
    runs = sorted({(d.get("syncs"), d.get("probes"), d.get("clock")) for d in docs}, key=str)
    text = "berkeley_bench: the sync methods at " + ", ".join(f"np {n}" for n in sorted({d["np"] for d in docs}))
    for syncs, probes, clock in runs:
        text += f"\n{syncs} timed and {probes} probed syncs per method, clock {clock}"
    return text


def draw(docs, output):
    plt = pyplot()
    nps, methods, width, x = layout(docs)
    colours = colour_of(methods)
    fig_width = max(13.0, 2.2 * len(nps) * 2 + 2)
    fig, (left, right) = plt.subplots(1, 2, figsize=(fig_width, 6.6), dpi=DPI, layout="constrained")
    draw_sync_time(left, docs, nps, methods, width, x, colours)
    draw_spread(right, docs, nps, methods, width, x, colours)
    fig.suptitle(title_of(docs), fontsize=11)
    save(fig, output)


def main():
    parser = argument_parser(__doc__)
    parser.add_argument("reports", nargs="+", help="berkeley_bench --json files, one per rank count")
    parser.add_argument("-o", "--output", required=True, help="the PNG to write")
    opts = parser.parse_args()
    docs = [load_or_die(load_bench, path) for path in opts.reports]
    seen = {}
    for path, d in zip(opts.reports, docs):
        if d["np"] in seen:
            die(f"{path}: np {d['np']} again (also in {seen[d['np']]}): one file per rank count", EXIT_INPUT)
        seen[d["np"]] = path
    draw(docs, opts.output)
    print(f"wrote {opts.output} (rank counts {', '.join(str(n) for n in layout(docs)[0])}; "
          f"methods {', '.join(layout(docs)[1])})")


if __name__ == "__main__":
    main()
