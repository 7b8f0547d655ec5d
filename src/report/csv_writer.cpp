#include "report/csv_writer.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "report/report_builder.hpp"
#include "report/run_report.hpp"

namespace berkeley {
namespace {

std::string quoted(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string cell(const std::optional<Nanoseconds>& value) { return value ? std::to_string(value->count()) : ""; }
std::string cell(const std::optional<bool>& value) { return value ? (*value ? "true" : "false") : ""; }
std::string cell(bool value) { return value ? "true" : "false"; }
std::string cell(Nanoseconds value) { return std::to_string(value.count()); }

std::string cell(double value) {
  std::string text = std::to_string(value);  // fixed, 6 decimals: ppm to the µppm
  return text;
}

}  // namespace

void write_csv(std::ostream& out, const RunReport& report) {
  const std::vector<std::string> header{"participant",
                                        "rank",
                                        "transport",
                                        "host",
                                        "excluded",
                                        "offset_before_ns",
                                        "offset_estimated_ns",
                                        "estimate_uncertainty_ns",
                                        "best_round_trip_ns",
                                        "correction_ns",
                                        "offset_after_ns",
                                        "offset_after_bound_ns",
                                        "bound_held",
                                        "residual_ns",
                                        "audited",
                                        "audit_residual_ns",
                                        "audit_uncertainty_ns",
                                        "drift_ppm",
                                        "drift_uncertainty_ppm",
                                        "rate_applied_ppm"};
  for (std::size_t i = 0; i < header.size(); ++i) out << (i == 0 ? "" : ",") << header[i];
  out << "\r\n";
  for (const RankReport& r : report.ranks) {
    const std::vector<std::string> row{quoted(member_name(r)),
                                       std::to_string(r.rank),
                                       quoted(r.transport),
                                       quoted(r.host),
                                       cell(r.excluded),
                                       cell(r.offset_before_ns),
                                       cell(r.offset_estimated_ns),
                                       cell(r.estimate_uncertainty_ns),
                                       cell(r.best_round_trip_ns),
                                       cell(r.correction_ns),
                                       cell(r.offset_after_ns),
                                       cell(r.offset_after_bound_ns),
                                       cell(r.bound_held),
                                       cell(r.residual_ns),
                                       cell(r.audited),
                                       r.audited ? cell(r.audit_residual_ns) : "",
                                       r.audited ? cell(r.audit_uncertainty_ns) : "",
                                       cell(r.drift_ppm),
                                       cell(r.drift_uncertainty_ppm),
                                       cell(r.rate_applied_ppm)};
    for (std::size_t i = 0; i < row.size(); ++i) out << (i == 0 ? "" : ",") << row[i];
    out << "\r\n";
  }
}

}  // namespace berkeley
