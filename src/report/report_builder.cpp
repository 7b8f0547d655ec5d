#include "report/report_builder.hpp"

#include <algorithm>
#include <set>

namespace berkeley {

Nanoseconds spread_of(const std::vector<ClockReading>& values) {
  if (values.size() < 2) return Nanoseconds{0};
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  return *high - *low;
}

RunReport build_run_report(const RunParameters& parameters, const std::vector<RankInputs>& ranks,
                           std::vector<RoundReport> rounds, const std::string& truth_reference) {
  RunReport report;
  report.parameters = parameters;
  report.rounds = std::move(rounds);
  if (ranks.empty()) return report;

  std::set<std::string> hosts;
  std::vector<ClockReading> before;
  std::vector<ClockReading> after;
  // agreed time at the instant: the mean of the clocks that were averaged, taken as differences from
  // the master's reading so that the sum cannot overflow
  const ClockReading master_raw = ranks.front().at_instant.raw_ns;
  std::int64_t averaged_sum = 0;
  std::int64_t averaged_count = 0;
  for (const RankInputs& r : ranks) {
    hosts.insert(r.host);
    before.push_back(r.at_instant.raw_ns);
    after.push_back(r.at_instant.corrected_ns);
    if (!r.excluded) {
      averaged_sum += (r.at_instant.raw_ns - master_raw).count();
      ++averaged_count;
    }
  }
  const ClockReading agreed = master_raw + Nanoseconds{averaged_count > 0 ? averaged_sum / averaged_count : 0};

  const ClockReading master_after = ranks.front().at_instant.corrected_ns;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    const RankInputs& in = ranks[i];
    RankReport row;
    row.rank = static_cast<int>(i);
    row.host = in.host;
    row.clock_before_ns = in.at_instant.raw_ns;
    row.clock_after_ns = in.at_instant.corrected_ns;
    row.offset_before_ns = in.at_instant.raw_ns - master_raw;
    row.offset_estimated_ns = in.first_estimate.best.offset_ns;
    row.estimate_uncertainty_ns = in.first_estimate.best.uncertainty_ns;
    row.best_round_trip_ns = in.first_estimate.best.round_trip_ns;
    row.median_round_trip_ns = in.first_estimate.median_round_trip_ns;
    row.samples_used = in.first_estimate.samples_used;
    row.correction_ns = in.total_correction_ns;
    row.offset_after_ns = in.at_instant.corrected_ns - master_after;
    row.residual_ns = in.at_instant.corrected_ns - agreed;
    row.read_window_ns = in.at_instant.read_window_ns;
    row.excluded = in.excluded;
    row.simulated_offset_ns = in.simulated_offset_ns;
    row.simulated_drift_ppm = in.simulated_drift_ppm;
    report.max_abs_residual_ns = std::max(report.max_abs_residual_ns, row.residual_ns < Nanoseconds{0} ? -row.residual_ns : row.residual_ns);
    report.ranks.push_back(std::move(row));
  }
  report.hosts = static_cast<int>(hosts.size());
  report.truth_measured = report.hosts == 1;
  report.truth_reference = truth_reference;
  report.spread_before_ns = spread_of(before);
  report.spread_after_ns = spread_of(after);
  return report;
}

}  // namespace berkeley
