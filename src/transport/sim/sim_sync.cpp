#include "transport/sim/sim_sync.hpp"

#include "transport/sim/sim_sync_rounds.hpp"

namespace berkeley::sim {

int balanced_node_size(int participants) {
  int size = 1;
  while (static_cast<std::int64_t>(size) * size < participants) ++size;
  return size;
}

SimSyncResult run_simulated_sync(SimNetwork& network, const SimSyncOptions& options) {
  return is_tree(options.method) ? run_tree_sync(network, options) : run_flat_sync(network, options);
}

}  // namespace berkeley::sim
