#pragma once
// What the TCP master's sync claims: the bound every clock must end within, and the line under the table
// that says whether it held. The report itself is the group's (report/group_members.hpp). Pure: no sockets.
#include <iosfwd>
#include <string>
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
//
// `averaged_unread` names the members whose clocks the group's average took in round 1 but that were not read
// at the shared instant (they left after round 1: killed, disconnected, dropped). The group's time then holds
// a clock the table lacks, so the residuals, measured against the average of the table's clocks, do not
// measure the claim (one clock 300 ms away, of 4, moves that average 75 ms from the group's). What is still
// measured is each clock's bound from the master (2 x bound_ns: each within bound_ns of the group's time), and
// the verdict rests on that: report.bounds_held.
[[nodiscard]] bool within_bound(const RunReport& report, Nanoseconds bound_ns,
                                const std::vector<std::string>& averaged_unread = {});

// The bound verdict, under the table (saying, with averaged_unread, which claim was judged instead and why).
void write_bound_note(std::ostream& out, const RunReport& report, Nanoseconds bound_ns,
                      const std::vector<std::string>& averaged_unread = {});

}  // namespace berkeley::tcp
