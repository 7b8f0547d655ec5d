#pragma once
// Pairwise offset estimation from several request/reply exchanges with one peer: keep the exchange with
// the smallest round trip (the least queueing, so the tightest bound) and stop early once that minimum
// has been confirmed. Shared by every transport's ping-pong (MPI, TCP, simulation). Pure.
#include <cstddef>
#include <vector>

#include "core/offset_estimate.hpp"

namespace berkeley {

struct PingPongPolicy {
  int max_exchanges = 32;  // never more than this many exchanges per peer
  int min_exchanges = 8;   // never fewer (unless max is smaller)
  // stop once another exchange came within this fraction of the best round trip: the minimum is then
  // confirmed, more exchanges would not tighten it
  double settle_fraction = 0.05;
};

struct PeerEstimate {
  OffsetEstimate best;  // Cristian estimate of the exchange with the smallest round trip
  Nanoseconds median_round_trip_ns{0};
  int samples_used = 0;
};

class MinRttFilter {
 public:
  explicit MinRttFilter(PingPongPolicy policy = {});

  // Adds one exchange; returns true when no more exchanges are needed.
  bool add(const OffsetSample& sample);
  [[nodiscard]] bool done() const;
  // Requires at least one sample.
  [[nodiscard]] PeerEstimate estimate() const;
  [[nodiscard]] int samples() const { return static_cast<int>(round_trips_.size()); }

 private:
  PingPongPolicy policy_;
  OffsetEstimate best_;
  std::vector<Nanoseconds> round_trips_;
  int near_best_ = 0;  // samples within settle_fraction of the current best (the best itself included)
};

}  // namespace berkeley
