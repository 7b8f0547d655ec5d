#include "report/report_output.hpp"

#include <functional>
#include <ostream>

#include "core/version.hpp"
#include "report/csv_writer.hpp"
#include "report/json_writer.hpp"
#include "report/offsets_file.hpp"
#include "report/report_builder.hpp"
#include "report/table_writer.hpp"

namespace berkeley {

void write_report_text(std::ostream& out, const RunReport& report, bool quiet) {
  if (quiet) {
    write_summary(out, report);
  } else {
    write_table(out, report);
  }
  for (const std::string& line : report.left_out) out << "left out: " << line << '\n';
}

ReportFile* ReportFiles::open_all() {
  for (ReportFile* file : all()) {
    if (!file->open()) return file;
  }
  return nullptr;
}

RunStatus save_and_judge(const RunReport& report, ReportFiles& files, std::ostream& log, std::string_view program,
                         const std::optional<std::string>& broken_promise) {
  const std::string generated_by = version_line(program);
  bool written = true;
  const auto save = [&](ReportFile& file, const std::function<void(std::ostream&)>& write) {
    if (file.write(write)) return;
    log << write_failed_message(program, file) << '\n';
    written = false;
  };
  save(files.json, [&](std::ostream& out) { write_json(out, report, generated_by); });
  save(files.offsets, [&](std::ostream& out) { write_offsets_json(out, offsets_of(report, generated_by)); });
  save(files.csv, [&](std::ostream& out) { write_csv(out, report); });
  if (!written) {
    return RunStatus::output_error;
  }
  if (broken_promise) {
    log << program << ": " << *broken_promise << '\n';
    return RunStatus::precision_failed;
  }
  if (!report.precision_met) {
    log << program << ": " << precision_failure(report) << '\n';
    return RunStatus::precision_failed;
  }
  return RunStatus::ok;
}

}  // namespace berkeley
