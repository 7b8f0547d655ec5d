#include "sync/round_summary.hpp"

#include <algorithm>
#include <chrono>

namespace berkeley {
RoundSummary summarize_round(int round, std::span<const std::optional<PeerEstimate>> estimates,
                             const BerkeleyStep& step, Nanoseconds duration_ns) {
  RoundSummary report;
  report.round = round;
  report.average_offset_ns = step.average_offset_ns;
  report.median_offset_ns = step.median_offset_ns;
  report.clocks_averaged = step.clocks_averaged;
  report.clocks_excluded = estimates.size() - step.clocks_averaged;
  report.one_clock_influence_ns = step.one_clock_influence_ns;
  for (const Nanoseconds c : step.corrections_ns) {
    report.max_abs_correction_ns = std::max(report.max_abs_correction_ns, std::chrono::abs(c));
  }
  report.max_uncertainty_ns = largest_uncertainty(estimates);
  for (const auto& e : estimates) {
    if (!e) continue;
    if (e->bursts > 1) ++report.clocks_remeasured;
    if (e->patience_ran_out) ++report.clocks_out_of_patience;
  }
  report.duration_ns = duration_ns;
  return report;
}

LevelSummary summarize_level(int level, std::string description, int groups,
                             std::span<const std::optional<PeerEstimate>> estimates) {
  LevelSummary summary;
  summary.level = level;
  summary.description = std::move(description);
  summary.groups = groups;
  summary.max_uncertainty_ns = largest_uncertainty(estimates);
  for (std::size_t m = 1; m < estimates.size(); ++m) {
    if (!estimates[m]) continue;
    ++summary.ranks_measured;
    summary.max_round_trip_ns = std::max(summary.max_round_trip_ns, estimates[m]->best.round_trip_ns);
  }
  return summary;
}

}  // namespace berkeley
