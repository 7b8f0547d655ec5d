#pragma once
// One synchronization round of p simulated participants: measure (flat, or the two levels of the tree),
// the Berkeley step over all clocks, delivery of the corrections, and the true spread before and after.
// Time starts at true instant 0 with every group idle.
#include <cstdint>

#include "core/min_rtt_filter.hpp"
#include "transport/sim/sim_method.hpp"
#include "transport/sim/sim_network.hpp"

namespace berkeley::sim {

struct SimSyncOptions {
  SimMethod method = SimMethod::pingpong;
  PingPongPolicy pingpong{};
  int node_size = 0;  // tree: participants per node (consecutive ids, as virtual_nodes); 0: ceil(sqrt(p))
  Nanoseconds tolerance_ns{2'000'000'000};  // the fault-tolerant average's outlier bound
};

struct SimSyncResult {
  SimMethod method = SimMethod::pingpong;
  int participants = 0;
  int answered = 0;  // participants with an estimate: these got a correction and count in the spreads
  std::size_t clocks_averaged = 0;
  int node_size = 0;  // tree only: participants in the largest node
  int nodes = 0;      // tree only
  BusiestParticipant busiest;
  // simulated (true) time from the start: measuring, and then delivering the corrections
  Nanoseconds node_level_ns{0};    // tree: level 1, every node concurrently (the slowest node); flat: all measuring
  Nanoseconds leader_level_ns{0};  // tree: level 2, the root measuring the leaders; flat: 0
  Nanoseconds delivery_ns{0};      // corrections sent until the last participant applied its own
  // the largest uncertainty bound of an estimate at each level (flat: node level only)
  Nanoseconds node_level_max_uncertainty_ns{0};
  Nanoseconds leader_level_max_uncertainty_ns{0};
  Nanoseconds max_uncertainty_ns{0};  // of the estimates the step used (tree: composed, both levels)
  // true max − min over the participants that answered: raw clocks at the start, corrected at the end
  Nanoseconds spread_before_ns{0};
  Nanoseconds spread_after_ns{0};

  // the whole round, start to the last correction applied: the phases follow each other without a gap
  [[nodiscard]] Nanoseconds sync_ns() const { return node_level_ns + leader_level_ns + delivery_ns; }
  friend bool operator==(const SimSyncResult&, const SimSyncResult&) = default;
};

[[nodiscard]] SimSyncResult run_simulated_sync(SimNetwork& network, const SimSyncOptions& options);

}  // namespace berkeley::sim
