#include "core/min_rtt_filter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <utility>

#include "core/median.hpp"

namespace berkeley {
namespace {

bool within(Nanoseconds value, Nanoseconds best, double fraction) {
  return static_cast<double>(value.count()) <= static_cast<double>(best.count()) * (1.0 + fraction);
}

Nanoseconds rate_allowance(const OffsetEstimate& from, const OffsetEstimate& to) {
  const double apart_ns = std::abs(static_cast<double>((to.local_midpoint_ns - from.local_midpoint_ns).count()));
  return Nanoseconds{static_cast<std::int64_t>(std::ceil(apart_ns * kMaxRelativeRate))};
}

}  // namespace

OffsetEstimate averaged_estimate(const OffsetEstimate& best, const std::vector<OffsetEstimate>& near) {
  if (near.size() < 2) return best;
  // relative to best's offset: offsets of a second or more, summed, stay far from overflow
  std::int64_t lower = std::numeric_limits<std::int64_t>::min();
  std::int64_t upper = std::numeric_limits<std::int64_t>::max();
  double sum = 0.0;
  for (const OffsetEstimate& e : near) {
    const std::int64_t mid = (e.offset_ns - best.offset_ns).count();
    const std::int64_t half = (e.uncertainty_ns + rate_allowance(best, e)).count();
    lower = std::max(lower, mid - half);
    upper = std::min(upper, mid + half);
    sum += static_cast<double>(mid);
  }
  if (lower > upper) return best;
  const auto mean = static_cast<std::int64_t>(std::llround(sum / static_cast<double>(near.size())));
  const std::int64_t at = std::clamp(mean, lower, upper);
  const std::int64_t within_intersection = std::max(at - lower, upper - at);
  const std::int64_t within_best = best.uncertainty_ns.count() + std::abs(at);
  OffsetEstimate out = best;
  out.offset_ns = best.offset_ns + Nanoseconds{at};
  out.uncertainty_ns = Nanoseconds{std::min(within_intersection, within_best)};
  return out;
}

Nanoseconds largest_uncertainty(std::span<const std::optional<PeerEstimate>> estimates) {
  Nanoseconds largest{0};
  for (const std::optional<PeerEstimate>& e : estimates) {
    if (e) largest = std::max(largest, e->best.uncertainty_ns);
  }
  return largest;
}

MinRttFilter::MinRttFilter(PingPongPolicy policy) : policy_(policy) {
  if (policy_.max_exchanges < 1) throw std::invalid_argument("PingPongPolicy: max_exchanges must be >= 1");
}

bool MinRttFilter::add(const OffsetSample& sample) {
  const OffsetEstimate estimate = cristian_estimate(sample);
  if (exchanges_.empty() || estimate.round_trip_ns < best_.round_trip_ns) {
    best_ = estimate;
    near_best_ = 0;  // recount against the new best
    for (const OffsetEstimate& e : exchanges_)
      near_best_ += within(e.round_trip_ns, best_.round_trip_ns, policy_.settle_fraction) ? 1 : 0;
  }
  exchanges_.push_back(estimate);
  if (within(estimate.round_trip_ns, best_.round_trip_ns, policy_.settle_fraction)) ++near_best_;
  return done();
}

bool MinRttFilter::done() const {
  const int n = samples();
  if (n >= policy_.max_exchanges) return true;
  return n >= policy_.min_exchanges && near_best_ >= 2;
}

PeerEstimate MinRttFilter::estimate() const {
  if (exchanges_.empty()) throw std::logic_error("MinRttFilter: no samples");
  std::vector<Nanoseconds> round_trips;
  round_trips.reserve(exchanges_.size());
  for (const OffsetEstimate& e : exchanges_) round_trips.push_back(e.round_trip_ns);
  PeerEstimate estimate;
  estimate.best = best_;
  if (policy_.average_within > 0.0) {
    std::vector<OffsetEstimate> near;
    for (const OffsetEstimate& e : exchanges_) {
      if (within(e.round_trip_ns, best_.round_trip_ns, policy_.average_within)) near.push_back(e);
    }
    estimate.best = averaged_estimate(best_, near);
    estimate.averaged_exchanges = static_cast<int>(near.size());
  }
  estimate.median_round_trip_ns = upper_median(std::move(round_trips));
  estimate.samples_used = samples();
  return estimate;
}

}  // namespace berkeley
