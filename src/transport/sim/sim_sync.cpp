#include "transport/sim/sim_sync.hpp"

#include "transport/sim/sim_sync_rounds.hpp"

namespace berkeley::sim {

SimSyncResult run_simulated_sync(SimNetwork& network, const SimSyncOptions& options) {
  return is_tree(options.method) ? run_tree_sync(network, options) : run_flat_sync(network, options);
}

}  // namespace berkeley::sim
