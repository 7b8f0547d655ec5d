#include "transport/tcp/stated_bound.hpp"

#include <cmath>
#include <ostream>

#include "core/duration_text.hpp"

namespace berkeley::tcp {

Nanoseconds stated_bound(const std::vector<RoundSummary>& rounds, Nanoseconds widest_read_window_ns, double drift_ppm,
                         Nanoseconds elapsed_ns) {
  Nanoseconds bound{0};
  // + 1 ns per estimate: the Cristian midpoint and half round trip are rounded down to whole nanoseconds
  for (const RoundSummary& round : rounds) bound += 2 * (round.max_uncertainty_ns + Nanoseconds{1});
  bound += 2 * widest_read_window_ns;
  const double drift_ns = 2.0 * std::fabs(drift_ppm) * 1e-6 * static_cast<double>(elapsed_ns.count());
  bound += Nanoseconds{static_cast<std::int64_t>(std::ceil(drift_ns))};
  return bound;
}

bool within_bound(const RunReport& report, Nanoseconds bound_ns) {
  return !report.truth_measured || report.max_abs_residual_ns <= bound_ns;
}

void write_bound_note(std::ostream& out, const RunReport& report, Nanoseconds bound_ns) {
  if (!report.truth_measured) {
    out << "bound: not checked (clocks on " << report.hosts << " host(s) reading " << report.clock_domains
        << " different CLOCK_MONOTONIC: no shared reference clock)\n";
    return;
  }
  out << "bound: every clock within " << bound_ns.count() << " ns (" << format_duration(bound_ns)
      << ") of the group average (2 x the rounds' estimate uncertainties + read windows + drift); measured max "
         "|residual| "
      << report.max_abs_residual_ns.count() << " ns (" << format_duration(report.max_abs_residual_ns)
      << "): " << (within_bound(report, bound_ns) ? "ok" : "EXCEEDED") << '\n';
}

}  // namespace berkeley::tcp
