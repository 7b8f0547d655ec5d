#pragma once
// The two shapes of a simulated round (internal to transport/sim; run_simulated_sync picks one).
#include "transport/sim/sim_sync.hpp"

namespace berkeley::sim {

[[nodiscard]] SimSyncResult run_flat_sync(SimNetwork& network, const SimSyncOptions& options);
[[nodiscard]] SimSyncResult run_tree_sync(SimNetwork& network, const SimSyncOptions& options);

}  // namespace berkeley::sim
