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

bool within_bound(const RunReport& report, Nanoseconds bound_ns, const std::vector<std::string>& averaged_unread) {
  if (!report.truth_measured) return true;
  if (!averaged_unread.empty()) return report.bounds_held == true;
  return report.max_abs_residual_ns <= bound_ns;
}

void write_bound_note(std::ostream& out, const RunReport& report, Nanoseconds bound_ns,
                      const std::vector<std::string>& averaged_unread) {
  if (!report.truth_measured) {
    out << "bound: not checked (clocks on " << report.hosts << " host(s) reading " << report.clock_domains
        << " different CLOCK_MONOTONIC: no shared reference clock)\n";
    return;
  }
  out << "bound: every clock within " << bound_ns.count() << " ns (" << format_duration(bound_ns)
      << ") of the group average (2 x the rounds' estimate uncertainties + read windows + drift); ";
  if (!averaged_unread.empty()) {
    out << "not measured: the group's average took the clock of ";
    for (std::size_t i = 0; i < averaged_unread.size(); ++i) out << (i == 0 ? "" : ", ") << averaged_unread[i];
    out << " in round 1, not read at the shared instant (the residuals are against the others' average); "
           "measured instead: every clock within "
        << format_duration(2 * bound_ns)
        << " of the master: " << (within_bound(report, bound_ns, averaged_unread) ? "ok" : "EXCEEDED") << '\n';
    return;
  }
  out << "measured max |residual| " << report.max_abs_residual_ns.count() << " ns ("
      << format_duration(report.max_abs_residual_ns) << "): " << (within_bound(report, bound_ns) ? "ok" : "EXCEEDED")
      << '\n';
}

}  // namespace berkeley::tcp
