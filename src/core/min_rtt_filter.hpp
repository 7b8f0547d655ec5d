#pragma once
// Pairwise offset estimation from several request/reply exchanges with one peer: keep the exchange with
// the smallest round trip (the least queueing, so the tightest bound) and stop early once that minimum
// has been confirmed; the offset is the mean of the exchanges whose round trips came near that minimum
// (their asymmetries average out), bounded by where their intervals meet. Shared by every transport's
// ping-pong (MPI, TCP, simulation). Pure.
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "core/offset_estimate.hpp"

namespace berkeley {

// Patience under load (sync/quiet_floors.hpp): when a member's best round trip is far above what its path
// gives when the machine is quiet, the master pauses and measures it again, within a time budget.
// The patience budget berkeley_mpi and mpi::SyncOptions use unless told otherwise (the pingpong under a CPU
// hog at np 4 found its quiet exchanges in 39-80 ms)
inline constexpr Nanoseconds kDefaultPatienceBudget{100'000'000};

struct Patience {
  Nanoseconds budget_ns{0};  // per round, for all members together; 0: accept the first filter's best
  // between one burst of exchanges and the next (np 4 under a CPU hog: 8 of 8 runs quiet within the
  // budget with 1 ms, 7 of 8 with 100 us)
  Nanoseconds pause_ns{1'000'000};
  // quiet: a best round trip within quiet_factor × the path's floor + quiet_slack (the slack keeps
  // sub-microsecond differences between the ranks of one node, 0.7-1.8 us here, from counting as busy)
  double quiet_factor = 2.0;
  Nanoseconds quiet_slack_ns{1'000};
};

struct PingPongPolicy {
  int max_exchanges = 32;  // never more than this many exchanges per peer
  int min_exchanges = 8;   // never fewer (unless max is smaller)
  // stop once another exchange came within this fraction of the best round trip: the minimum is then
  // confirmed, more exchanges would not tighten it
  double settle_fraction = 0.05;
  Patience patience;
  // the offset averages the exchanges whose round trip is within this fraction of the best (0: the best
  // exchange alone). MPI np 2 on 2 cores, simulated clocks of exact truth, 30 probes per run: true spread
  // median 10-60 ns with the best alone, 7-18 ns averaging within 20-30 %.
  double average_within = 0.25;
};

struct PeerEstimate {
  // the exchange with the smallest round trip (its round trip and local midpoint), its offset and
  // uncertainty those of averaged_exchanges exchanges near it (see PingPongPolicy::average_within)
  OffsetEstimate best;
  Nanoseconds median_round_trip_ns{0};
  int samples_used = 0;
  int averaged_exchanges = 1;
  int bursts = 1;                 // filters run (more than one: the master waited for a quiet exchange)
  bool patience_ran_out = false;  // the budget ended before a quiet exchange appeared
};

// The mean offset of `near` (Cristian estimates, `best` among them), kept within the intersection of their
// intervals, each widened by kMaxRelativeRate of its distance in time from `best` (the clocks may move
// that much against each other in between); the uncertainty is the smaller of what that intersection and
// `best`'s interval alone allow. Should the intervals not meet (a clock broke the rate bound), `best`.
// The result refers to `best`'s local midpoint and keeps its round trip.
[[nodiscard]] OffsetEstimate averaged_estimate(const OffsetEstimate& best, const std::vector<OffsetEstimate>& near);

// the largest uncertainty stated by the estimates present (0 when there is none)
[[nodiscard]] Nanoseconds largest_uncertainty(std::span<const std::optional<PeerEstimate>> estimates);

class MinRttFilter {
 public:
  explicit MinRttFilter(PingPongPolicy policy = {});

  // Adds one exchange; returns true when no more exchanges are needed.
  bool add(const OffsetSample& sample);
  [[nodiscard]] bool done() const;
  // Requires at least one sample.
  [[nodiscard]] PeerEstimate estimate() const;
  [[nodiscard]] int samples() const { return static_cast<int>(exchanges_.size()); }

 private:
  PingPongPolicy policy_;
  OffsetEstimate best_;
  std::vector<OffsetEstimate> exchanges_;  // every exchange's Cristian estimate, in order
  int near_best_ = 0;  // samples within settle_fraction of the current best (the best itself included)
};

}  // namespace berkeley
