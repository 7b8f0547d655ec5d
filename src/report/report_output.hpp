#pragma once
// The end of every program's run, the same for berkeley_mpi and berkeley_master: the table (or summary) on
// the terminal, the JSON report into its file, and the verdict.
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "core/run_status.hpp"
#include "report/report_file.hpp"
#include "report/run_report.hpp"

namespace berkeley {

// The per-rank table, or with `quiet` the one-line summary; then a "left out: ..." line per member not in it.
void write_report_text(std::ostream& out, const RunReport& report, bool quiet);

// Writes the JSON report into `json` (opened before the run), then judges: output_error when it could not be
// written; precision_failed when `broken_promise` says why the truth left a stated bound, or when the
// required precision was not met (each with one line on `log`, after "<program>: "); else ok.
[[nodiscard]] RunStatus save_and_judge(const RunReport& report, ReportFile& json, std::ostream& log,
                                       std::string_view program,
                                       const std::optional<std::string>& broken_promise = std::nullopt);

}  // namespace berkeley
