#include "report/json_writer.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

namespace berkeley {
namespace {

nlohmann::json optional_ns(const std::optional<Nanoseconds>& value) {
  return value ? nlohmann::json(value->count()) : nlohmann::json(nullptr);
}

nlohmann::json optional_bool(const std::optional<bool>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json ns_list(const std::vector<Nanoseconds>& values) {
  nlohmann::json list = nlohmann::json::array();
  for (const Nanoseconds v : values) list.push_back(v.count());
  return list;
}

nlohmann::json optional_ns_list(const std::vector<std::optional<Nanoseconds>>& values) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& v : values) list.push_back(optional_ns(v));
  return list;
}

}  // namespace

void write_json(std::ostream& out, const RunReport& report, const std::string& generated_by) {
  using nlohmann::json;
  const RunParameters& p = report.parameters;
  json doc;
  doc["format"] = kReportFormat;
  if (!generated_by.empty()) doc["generated_by"] = generated_by;
  doc["parameters"] = {{"ranks", p.ranks},
                       {"rounds", p.rounds},
                       {"seed", p.seed},
                       {"max_offset_ns", p.max_offset_ns.count()},
                       {"drift_ppm", p.drift_ppm},
                       {"tolerance_ns", p.tolerance_ns.count()},
                       {"clock", p.clock},
                       {"method", p.method},
                       {"interval_ns", p.interval_ns.count()},
                       {"node_size", p.node_size},
                       {"exchanges", p.exchanges}};
  doc["hosts"] = report.hosts;
  doc["clock_domains"] = report.clock_domains;
  doc["truth_measured"] = report.truth_measured;
  doc["truth_reference"] = report.truth_reference;
  doc["spread_before_ns"] = report.spread_before_ns.count();
  doc["spread_after_ns"] = report.spread_after_ns.count();
  doc["spread_after_bound_ns"] = optional_ns(report.spread_after_bound_ns);
  doc["bounds_held"] = optional_bool(report.bounds_held);
  doc["max_abs_residual_ns"] = report.max_abs_residual_ns.count();
  doc["drift_corrected"] = report.drift_corrected;
  doc["later_ns"] = ns_list(report.later_ns);
  doc["spread_later_ns"] = optional_ns_list(report.spread_later_ns);
  doc["spread_later_bound_ns"] = optional_ns_list(report.spread_later_bound_ns);
  doc["audit_max_abs_residual_ns"] = report.audit_max_abs_residual_ns.count();
  // the bound only where every rank was audited consistently: otherwise nothing proves it
  doc["audit_max_bound_ns"] = optional_ns(report.audit_max_bound_ns);
  doc["audits_complete"] = report.audits_complete;
  doc["required_precision_ns"] = optional_ns(report.required_precision_ns);
  doc["audits_consistent"] = report.audits_consistent;
  doc["precision_met"] = report.precision_met;
  json ranks = json::array();
  for (const RankReport& r : report.ranks) {
    ranks.push_back({{"rank", r.rank},
                     {"transport", r.transport.empty() ? json(nullptr) : json(r.transport)},
                     {"host", r.host},
                     {"clock_domain", r.clock_domain ? nlohmann::json(*r.clock_domain) : nlohmann::json(nullptr)},
                     {"clock_before_ns", reading_ns(r.clock_before_ns)},
                     {"clock_after_ns", reading_ns(r.clock_after_ns)},
                     {"offset_before_ns", r.offset_before_ns.count()},
                     {"offset_estimated_ns", r.offset_estimated_ns.count()},
                     {"estimate_uncertainty_ns", r.estimate_uncertainty_ns.count()},
                     {"best_round_trip_ns", r.best_round_trip_ns.count()},
                     {"median_round_trip_ns", r.median_round_trip_ns.count()},
                     {"samples_used", r.samples_used},
                     {"bursts", r.bursts},
                     {"patience_ran_out", r.patience_ran_out},
                     {"correction_ns", r.correction_ns.count()},
                     {"offset_after_ns", r.offset_after_ns.count()},
                     {"residual_ns", r.residual_ns.count()},
                     {"read_window_ns", r.read_window_ns.count()},
                     {"offset_after_bound_ns", optional_ns(r.offset_after_bound_ns)},
                     {"bound_held", optional_bool(r.bound_held)},
                     {"later_bound_ns", optional_ns_list(r.later_bound_ns)},
                     {"excluded", r.excluded},
                     {"simulated_offset_ns", r.simulated_offset_ns.count()},
                     {"simulated_drift_ppm", r.simulated_drift_ppm},
                     {"drift_ppm", r.drift_ppm},
                     {"drift_uncertainty_ppm", r.drift_uncertainty_ppm},
                     {"rate_applied_ppm", r.rate_applied_ppm},
                     {"predicted_error_ns", ns_list(r.predicted_error_ns)},
                     {"measured_error_ns", optional_ns_list(r.measured_error_ns)},
                     {"audited", r.audited},
                     {"audit_residual_ns", r.audit_residual_ns.count()},
                     {"audit_uncertainty_ns", r.audit_uncertainty_ns.count()},
                     {"audit_consistent", r.audit_consistent}});
  }
  doc["ranks"] = std::move(ranks);
  doc["left_out"] = report.left_out;  // members not in "ranks", each with the reason
  json rounds = json::array();
  for (const RoundSummary& r : report.rounds) {
    rounds.push_back({{"round", r.round},
                      {"average_offset_ns", r.average_offset_ns.count()},
                      {"median_offset_ns", r.median_offset_ns.count()},
                      {"max_abs_correction_ns", r.max_abs_correction_ns.count()},
                      {"max_uncertainty_ns", r.max_uncertainty_ns.count()},
                      {"clocks_averaged", r.clocks_averaged},
                      {"clocks_excluded", r.clocks_excluded},
                      {"one_clock_influence_ns", r.one_clock_influence_ns.count()},
                      {"duration_ns", r.duration_ns.count()},
                      {"clocks_remeasured", r.clocks_remeasured},
                      {"clocks_out_of_patience", r.clocks_out_of_patience}});
  }
  doc["rounds"] = std::move(rounds);
  json levels = json::array();
  for (const LevelSummary& l : report.levels) {
    levels.push_back({{"level", l.level},
                      {"description", l.description},
                      {"groups", l.groups},
                      {"ranks_measured", l.ranks_measured},
                      {"max_uncertainty_ns", l.max_uncertainty_ns.count()},
                      {"max_round_trip_ns", l.max_round_trip_ns.count()}});
  }
  doc["levels"] = std::move(levels);
  out << doc.dump(2) << '\n';
}

}  // namespace berkeley
