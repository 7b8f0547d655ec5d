#pragma once
// The end of every program's run, the same for berkeley_mpi and berkeley_master: the table (or summary) on
// the terminal, the JSON report into its file, and the verdict.
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/run_status.hpp"
#include "report/report_file.hpp"
#include "report/run_report.hpp"

namespace berkeley {

// The per-rank table, or with `quiet` the one-line summary; then a "left out: ..." line per member not in it.
void write_report_text(std::ostream& out, const RunReport& report, bool quiet);

// The files a run writes at its end, each named by its option (none wanted: empty paths).
struct ReportFiles {
  ReportFile json;     // --json: the report (report/json_writer.hpp)
  ReportFile offsets;  // --offsets: each participant's clock mapping (report/offsets_file.hpp)
  ReportFile csv;      // --csv: the per-participant table (report/csv_writer.hpp)

  ReportFiles() = default;
  ReportFiles(std::string json_path, std::string offsets_path, std::string csv_path)
      : json(std::move(json_path), "--json"),
        offsets(std::move(offsets_path), "--offsets"),
        csv(std::move(csv_path), "--csv") {}
  // each of them, in the order they are opened and written
  [[nodiscard]] std::vector<ReportFile*> all() { return {&json, &offsets, &csv}; }
  // opens every wanted file; the first that cannot be opened (nullptr: all could)
  [[nodiscard]] ReportFile* open_all();
};

// Writes the report's files (opened before the run; `program` names the writer in them, with its version),
// then judges: output_error when one could not be written; precision_failed when `broken_promise` says why
// the truth left a stated bound, or when the required precision was not met (each with one line on `log`,
// after "<program>: "); else ok.
[[nodiscard]] RunStatus save_and_judge(const RunReport& report, ReportFiles& files, std::ostream& log,
                                       std::string_view program,
                                       const std::optional<std::string>& broken_promise = std::nullopt);

}  // namespace berkeley
