#pragma once
// What the TCP master's sync claims: the bound every clock must end within, and the line under the table
// that says whether it held. The report itself is the group's (report/group_members.hpp). Pure: no sockets.
#include <iosfwd>
#include <vector>

#include "core/time.hpp"
#include "report/run_report.hpp"
#include "sync/round_summary.hpp"

namespace berkeley::tcp {

// The bound: 2 × Σ over rounds of the largest estimate uncertainty (the Cristian half round trip, + 1 ns of
// rounding: one clock's error plus the average's), + 2 × the widest shared-instant read window, + how far
// two clocks drifting at ±drift_ppm can move apart over `elapsed_ns` (first poll → shared instant).
[[nodiscard]] Nanoseconds stated_bound(const std::vector<RoundSummary>& rounds, Nanoseconds widest_read_window_ns,
                                       double drift_ppm, Nanoseconds elapsed_ns);

// Every row's |residual| within bound_ns (vacuously true where the truth is not measured).
[[nodiscard]] bool within_bound(const RunReport& report, Nanoseconds bound_ns);

// The bound verdict, under the table.
void write_bound_note(std::ostream& out, const RunReport& report, Nanoseconds bound_ns);

}  // namespace berkeley::tcp
