#include "sync/synchronized_tolerance.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace berkeley {
namespace {

// the master's estimate of itself carries no measurement time: only the others' midpoints count
bool measured_by_exchange(const std::optional<PeerEstimate>& estimate) {
  return estimate && estimate->best.round_trip_ns > Nanoseconds{0};
}

Nanoseconds saturating_sum(Nanoseconds a, Nanoseconds b) {
  if (a > Nanoseconds::max() - b) return Nanoseconds::max();
  return a + b;
}

}  // namespace

const std::vector<Nanoseconds>& SynchronizedTolerance::tolerances(const GroupEstimates& estimates,
                                                                  Nanoseconds tolerance_ns) {
  tolerances_.assign(estimates.size(), tolerance_ns);
  majority_bound_ns_ = Nanoseconds{0};
  rounds_apart_ns_ = Nanoseconds{0};
  if (!remembered_ || members_.size() != estimates.size()) return tolerances_;

  // n: members measured in this round and synchronized in the one before
  sums_.clear();
  ClockReading latest_measurement{};
  bool any_measured = false;
  for (std::size_t m = 0; m < estimates.size(); ++m) {
    if (!estimates[m] || !members_[m].synchronized) continue;
    sums_.push_back(saturating_sum(members_[m].uncertainty_ns, estimates[m]->best.uncertainty_ns));
    if (measured_by_exchange(estimates[m])) {
      const ClockReading at = estimates[m]->best.local_midpoint_ns;
      latest_measurement = any_measured ? std::max(latest_measurement, at) : at;
      any_measured = true;
    }
  }
  const std::size_t n = sums_.size();
  if (n < 3) return tolerances_;

  const std::size_t q = std::min(n - 1, (n + 2) / 2 + 1);  // 1-based rank: ⌈(n+1)/2⌉ + 1, the largest skipped
  std::nth_element(sums_.begin(), sums_.begin() + static_cast<std::ptrdiff_t>(q - 1), sums_.end());
  majority_bound_ns_ = sums_[q - 1];
  if (any_measured && latest_measurement > earliest_measurement_ns) {
    rounds_apart_ns_ = latest_measurement - earliest_measurement_ns;
  }
  const auto drift_ns = Nanoseconds{
      static_cast<std::int64_t>(std::ceil(2.0 * kMaxRelativeRate * static_cast<double>(rounds_apart_ns_.count())))};
  const Nanoseconds widest_own =
      majority_bound_ns_ > Nanoseconds::max() / 3 ? Nanoseconds::max() : 3 * majority_bound_ns_;
  for (std::size_t m = 0; m < estimates.size(); ++m) {
    if (!estimates[m] || !members_[m].synchronized) continue;
    const Nanoseconds own =
        std::min(saturating_sum(members_[m].uncertainty_ns, estimates[m]->best.uncertainty_ns), widest_own);
    const Nanoseconds narrowed = saturating_sum(saturating_sum(own, majority_bound_ns_), drift_ns);
    tolerances_[m] = std::min(tolerance_ns, narrowed);
  }
  return tolerances_;
}

void SynchronizedTolerance::remember(const GroupEstimates& estimates, const GroupStep& step) {
  members_.assign(estimates.size(), Member{});
  bool any_measured = false;
  for (std::size_t m = 0; m < estimates.size(); ++m) {
    if (!estimates[m]) continue;
    members_[m].synchronized = m < step.answered.size() && step.answered[m];
    members_[m].uncertainty_ns = estimates[m]->best.uncertainty_ns;
    if (measured_by_exchange(estimates[m])) {
      const ClockReading at = estimates[m]->best.local_midpoint_ns;
      earliest_measurement_ns = any_measured ? std::min(earliest_measurement_ns, at) : at;
      any_measured = true;
    }
  }
  // the master's clock reads its correction more from now on (its estimate of itself is [0])
  if (!step.step.corrections_ns.empty()) earliest_measurement_ns += step.step.corrections_ns[0];
  remembered_ = any_measured;
}

}  // namespace berkeley
