#include "core/min_rtt_filter.hpp"

#include <algorithm>
#include <stdexcept>

namespace berkeley {
namespace {

bool within(Nanoseconds value, Nanoseconds best, double fraction) {
  return static_cast<double>(value.count()) <= static_cast<double>(best.count()) * (1.0 + fraction);
}

}  // namespace

MinRttFilter::MinRttFilter(PingPongPolicy policy) : policy_(policy) {
  if (policy_.max_exchanges < 1) throw std::invalid_argument("PingPongPolicy: max_exchanges must be >= 1");
}

bool MinRttFilter::add(const OffsetSample& sample) {
  const OffsetEstimate estimate = cristian_estimate(sample);
  if (round_trips_.empty() || estimate.round_trip_ns < best_.round_trip_ns) {
    best_ = estimate;
    near_best_ = 0;  // recount against the new best
    for (const Nanoseconds rtt : round_trips_) near_best_ += within(rtt, best_.round_trip_ns, policy_.settle_fraction) ? 1 : 0;
  }
  round_trips_.push_back(estimate.round_trip_ns);
  if (within(estimate.round_trip_ns, best_.round_trip_ns, policy_.settle_fraction)) ++near_best_;
  return done();
}

bool MinRttFilter::done() const {
  const int n = samples();
  if (n >= policy_.max_exchanges) return true;
  return n >= policy_.min_exchanges && near_best_ >= 2;
}

PeerEstimate MinRttFilter::estimate() const {
  if (round_trips_.empty()) throw std::logic_error("MinRttFilter: no samples");
  std::vector<Nanoseconds> sorted = round_trips_;
  const auto middle = sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2);
  std::nth_element(sorted.begin(), middle, sorted.end());
  PeerEstimate estimate;
  estimate.best = best_;
  estimate.median_round_trip_ns = *middle;
  estimate.samples_used = samples();
  return estimate;
}

}  // namespace berkeley
