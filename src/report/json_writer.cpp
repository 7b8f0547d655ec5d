#include "report/json_writer.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

namespace berkeley {

void write_json(std::ostream& out, const RunReport& report) {
  using nlohmann::json;
  const RunParameters& p = report.parameters;
  json doc;
  doc["format"] = "berkeley_mpi/1";
  doc["parameters"] = {{"ranks", p.ranks},           {"rounds", p.rounds},
                       {"seed", p.seed},             {"max_offset_ns", p.max_offset_ns.count()},
                       {"drift_ppm", p.drift_ppm},   {"tolerance_ns", p.tolerance_ns.count()},
                       {"clock", p.clock},           {"method", p.method}};
  doc["hosts"] = report.hosts;
  doc["truth_measured"] = report.truth_measured;
  doc["truth_reference"] = report.truth_reference;
  doc["spread_before_ns"] = report.spread_before_ns.count();
  doc["spread_after_ns"] = report.spread_after_ns.count();
  doc["max_abs_residual_ns"] = report.max_abs_residual_ns.count();
  json ranks = json::array();
  for (const RankReport& r : report.ranks) {
    ranks.push_back({{"rank", r.rank},
                     {"host", r.host},
                     {"clock_before_ns", r.clock_before_ns.count()},
                     {"clock_after_ns", r.clock_after_ns.count()},
                     {"offset_before_ns", r.offset_before_ns.count()},
                     {"offset_estimated_ns", r.offset_estimated_ns.count()},
                     {"estimate_uncertainty_ns", r.estimate_uncertainty_ns.count()},
                     {"best_round_trip_ns", r.best_round_trip_ns.count()},
                     {"median_round_trip_ns", r.median_round_trip_ns.count()},
                     {"samples_used", r.samples_used},
                     {"correction_ns", r.correction_ns.count()},
                     {"offset_after_ns", r.offset_after_ns.count()},
                     {"residual_ns", r.residual_ns.count()},
                     {"read_window_ns", r.read_window_ns.count()},
                     {"excluded", r.excluded},
                     {"simulated_offset_ns", r.simulated_offset_ns.count()},
                     {"simulated_drift_ppm", r.simulated_drift_ppm}});
  }
  doc["ranks"] = std::move(ranks);
  json rounds = json::array();
  for (const RoundReport& r : report.rounds) {
    rounds.push_back({{"round", r.round},
                      {"average_offset_ns", r.average_offset_ns.count()},
                      {"median_offset_ns", r.median_offset_ns.count()},
                      {"max_abs_correction_ns", r.max_abs_correction_ns.count()},
                      {"max_uncertainty_ns", r.max_uncertainty_ns.count()},
                      {"clocks_averaged", r.clocks_averaged},
                      {"clocks_excluded", r.clocks_excluded},
                      {"duration_ns", r.duration_ns.count()}});
  }
  doc["rounds"] = std::move(rounds);
  out << doc.dump(2) << '\n';
}

}  // namespace berkeley
