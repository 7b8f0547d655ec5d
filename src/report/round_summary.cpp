#include "report/round_summary.hpp"

#include <algorithm>
#include <chrono>

namespace berkeley {
RoundReport summarize_round(int round, std::span<const std::optional<PeerEstimate>> estimates, const BerkeleyStep& step,
                            Nanoseconds duration_ns) {
  RoundReport report;
  report.round = round;
  report.average_offset_ns = step.average_offset_ns;
  report.median_offset_ns = step.median_offset_ns;
  report.clocks_averaged = step.clocks_averaged;
  report.clocks_excluded = estimates.size() - step.clocks_averaged;
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

}  // namespace berkeley
