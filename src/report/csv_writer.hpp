#pragma once
// The per-participant table as CSV (berkeley_mpi --csv, berkeley_master --csv), for spreadsheets: one header
// line, then one line per participant, the columns of the JSON report's "ranks" entries (docs/report-format.md).
// RFC 4180: fields holding a comma, a quote or a line break are quoted; empty where the JSON has null.
#include <iosfwd>

namespace berkeley {

struct RunReport;

void write_csv(std::ostream& out, const RunReport& report);

}  // namespace berkeley
