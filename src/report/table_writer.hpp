#pragma once
#include <iosfwd>

#include "report/run_report.hpp"

namespace berkeley {

// The human-readable report: one row per rank and a summary line, units always written.
void write_table(std::ostream& out, const RunReport& report);
// The one summary line (spread before and after, in ns).
void write_summary(std::ostream& out, const RunReport& report);
// One line of progress for a finished round.
void write_round_line(std::ostream& out, const RoundSummary& round, int rounds_total);

}  // namespace berkeley
