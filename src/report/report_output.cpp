#include "report/report_output.hpp"

#include <ostream>

#include "report/json_writer.hpp"
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

RunStatus save_and_judge(const RunReport& report, ReportFile& json, std::ostream& log, std::string_view program,
                         const std::optional<std::string>& broken_promise) {
  if (!json.write([&](std::ostream& file) { write_json(file, report); })) {
    log << write_failed_message(program, json) << '\n';
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
