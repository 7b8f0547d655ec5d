#include "core/collective_exchanges.hpp"

#include <algorithm>
#include <cmath>

namespace berkeley {
namespace {
// the first exchange of a round is as wide as the ranks were out of step, and the second often still
// carries the wake-up of the first: never settle before a third
constexpr int kMinMeasured = 3;
}  // namespace

void ExchangeIntersection::add(ClockReading sent, ClockReading master_read, ClockReading received) {
  const Nanoseconds lower = sent - master_read;
  const Nanoseconds upper = received - master_read;
  if (exchanges_ == 0) {
    first_sent_ = sent;
    lower_ = lower;
    upper_ = upper;
  } else {
    lower_ = std::max(lower_, lower);
    upper_ = std::min(upper_, upper);
  }
  if (exchanges_ == 0 || upper - lower < narrowest_round_trip_ns()) {
    narrowest_lower_ = lower;
    narrowest_upper_ = upper;
  }
  last_received_ = received;
  ++exchanges_;
}

Nanoseconds ExchangeIntersection::widening_ns() const {
  const double span_ns = static_cast<double>((last_received_ - first_sent_).count());
  return Nanoseconds{static_cast<std::int64_t>(std::ceil(span_ns * kMaxRelativeRate))};
}

bool ExchangeIntersection::empty() const { return lower_ - widening_ns() > upper_ + widening_ns(); }

Nanoseconds ExchangeIntersection::lower_ns() const { return empty() ? narrowest_lower_ : lower_ - widening_ns(); }

Nanoseconds ExchangeIntersection::upper_ns() const { return empty() ? narrowest_upper_ : upper_ + widening_ns(); }

OffsetEstimate interval_estimate(Nanoseconds lower_ns, Nanoseconds upper_ns, Nanoseconds round_trip_ns,
                                 ClockReading master_reference) {
  const Nanoseconds width = upper_ns - lower_ns;
  OffsetEstimate e;
  e.uncertainty_ns = Nanoseconds{(width.count() + 1) / 2};
  e.offset_ns = lower_ns + Nanoseconds{width.count() / 2};  // the midpoint, within uncertainty of both ends
  e.round_trip_ns = round_trip_ns;
  e.local_midpoint_ns = master_reference;
  return e;
}

bool ExchangeSettling::settled(int measured, Nanoseconds widest_ns) {
  const std::optional<Nanoseconds> previous = previous_ns_;
  previous_ns_ = widest_ns;
  if (measured >= policy_.max_exchanges || widest_ns <= Nanoseconds{0}) return true;
  if (!previous || measured < kMinMeasured) return false;
  const double improvement = static_cast<double>((*previous - widest_ns).count());
  return improvement < policy_.settle_fraction * static_cast<double>(previous->count());
}

}  // namespace berkeley
