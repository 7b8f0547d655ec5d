"""What a berkeley_mpi (or berkeley_master) JSON report promises, checked against the truth it measured
(standard library only). Shared by the end-to-end, netlab and Slurm checks and scripts/netlab_figures.py.

Every function returns a list of problems (empty: the promise held). They judge only what the program states
about itself, never a fixed figure: a slow or loaded machine makes the stated bounds wide, and they must hold.
"""


def stated_bound_problems(report):
    """Where the truth is measured: every clock within the bound the run states for it of the master's at the
    shared instant (both reads' windows allowed), the spread within the stated spread bound, and the report's
    own verdicts (bound_held, bounds_held) saying so."""
    if not report.get("truth_measured"):
        return ["the report does not measure the truth: nothing to check the stated bounds against"]
    problems = []
    ranks = report["ranks"]
    window_0 = ranks[0]["read_window_ns"]
    for r in ranks:
        bound = r.get("offset_after_bound_ns")
        if bound is None:
            problems.append(f"rank {r['rank']}: no bound stated")
            continue
        slack = r["read_window_ns"] + window_0
        if abs(r["offset_after_ns"]) > bound + slack:
            problems.append(f"rank {r['rank']}: {r['offset_after_ns']} ns from the master, beyond its stated bound "
                            f"{bound} ns (+ {slack} ns of read windows)")
        if r.get("bound_held") is not True:
            problems.append(f"rank {r['rank']}: the report says its bound did not hold ({r.get('bound_held')})")
    spread_bound = report.get("spread_after_bound_ns")
    largest_window = max(r["read_window_ns"] for r in ranks)
    if spread_bound is None:
        problems.append("no spread bound stated")
    elif report["spread_after_ns"] > spread_bound + 2 * largest_window:
        problems.append(f"spread after {report['spread_after_ns']} ns beyond the stated {spread_bound} ns")
    if report.get("bounds_held") is not True:
        problems.append(f"bounds_held is {report.get('bounds_held')}")
    return problems


def estimate_problems(report):
    """Where the truth is measured and the clocks do not drift (so each offset is the same at the shared instant
    and in round 1): each rank's round-1 estimate of its offset from the master lies within the uncertainty the
    run stated for it (both reads' windows allowed). This is the claim a biased midpoint (one-way delays that
    differ by direction) would break first."""
    if not report.get("truth_measured"):
        return ["the report does not measure the truth: nothing to check the estimates against"]
    if report.get("parameters", {}).get("drift_ppm", 0) != 0:
        return []  # the offset moves between the instant and round 1: the bounds after the sync are checked
    problems = []
    ranks = report["ranks"]
    window_0 = ranks[0]["read_window_ns"]
    for r in ranks[1:]:
        if r.get("estimate_uncertainty_ns", 0) <= 0:
            problems.append(f"rank {r['rank']}: no round-1 estimate stated")
            continue
        error = r["offset_estimated_ns"] - r["offset_before_ns"]
        slack = r["read_window_ns"] + window_0
        if abs(error) > r["estimate_uncertainty_ns"] + slack:
            problems.append(f"rank {r['rank']}: round-1 estimate off the truth by {error} ns, stated +- "
                            f"{r['estimate_uncertainty_ns']} ns (+ {slack} ns of read windows)")
    return problems


def audit_problems(report):
    """The independent audit reached every rank consistently and, where the truth is measured (and the clocks
    do not drift between the audit and the shared instant), each interval holds the true offset."""
    problems = []
    if report.get("audits_complete") is not True or report.get("audits_consistent") is not True:
        problems.append(f"audit: complete {report.get('audits_complete')}, consistent "
                        f"{report.get('audits_consistent')}")
    if not report.get("truth_measured") or report.get("parameters", {}).get("drift_ppm", 0) != 0:
        return problems
    ranks = report["ranks"]
    window_0 = ranks[0]["read_window_ns"]
    for r in ranks[1:]:
        if not r.get("audited"):
            continue  # already a problem above
        slack = r["read_window_ns"] + window_0
        if abs(r["offset_after_ns"] - r["audit_residual_ns"]) > r["audit_uncertainty_ns"] + slack + 1:
            problems.append(f"rank {r['rank']}: true offset {r['offset_after_ns']} ns outside the audit's "
                            f"{r['audit_residual_ns']} +- {r['audit_uncertainty_ns']} ns (+ {slack} ns)")
    return problems


def later_bound_problems(report):
    """Drift correction's promise at the later instants (report["later_ns"]): where a row's clock is known there
    (simulated MPI ranks; a TCP client is read at the shared instant only), its distance from the master's is
    within the bound stated for it; every synchronized row states a bound, and no bound shrinks with time."""
    problems = []
    ranks = report["ranks"]
    master = ranks[0]
    for k, later in enumerate(report.get("later_ns") or []):
        for r in ranks:
            bound = r["later_bound_ns"][k]
            if bound is None:
                problems.append(f"{r['transport']} {r['rank']}: no bound stated at +{later} ns")
                continue
            if r["offset_after_bound_ns"] is not None and bound < r["offset_after_bound_ns"]:
                problems.append(f"{r['transport']} {r['rank']}: its bound at +{later} ns ({bound}) is below the one "
                                f"at the instant ({r['offset_after_bound_ns']})")
            measured, master_measured = r["measured_error_ns"][k], master["measured_error_ns"][k]
            if measured is None or master_measured is None:
                continue
            if abs(measured - master_measured) > bound:
                problems.append(f"{r['transport']} {r['rank']}: {measured - master_measured} ns from the master at "
                                f"+{later} ns, beyond its stated bound {bound} ns")
    return problems


def coarse_cap_problems(report, shrink=10):
    """The sanity cap no load breaks: the clocks end at least `shrink` times closer than they started."""
    before, after = report["spread_before_ns"], report["spread_after_ns"]
    if after * shrink > before:
        return [f"spread after {after} ns: not even 1/{shrink} of the {before} ns before"]
    return []


def tree_level_problems(report, nodes, ranks_per_node):
    """--method tree grouped by the real nodes: level 1 measures, within each node, its non-leader ranks;
    level 2 measures the other nodes' leaders from rank 0."""
    levels = {level["level"]: level for level in report.get("levels", [])}
    one, two = levels.get(1, {}), levels.get(2, {})
    problems = []
    if one.get("groups") != nodes or one.get("ranks_measured") != nodes * (ranks_per_node - 1):
        problems.append(f"tree level 1: {one}, expected {nodes} groups, {nodes * (ranks_per_node - 1)} ranks "
                        "measured (one group per real node)")
    if two.get("groups") != 1 or two.get("ranks_measured") != nodes - 1:
        problems.append(f"tree level 2: {two}, expected 1 group, {nodes - 1} leaders measured")
    return problems
