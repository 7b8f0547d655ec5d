#include "sync/tree.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace berkeley {

int balanced_node_size(int ranks) {
  int size = 1;
  while (static_cast<std::int64_t>(size) * size < ranks) ++size;
  return size;
}

NodeLayout virtual_nodes(int ranks, int node_size) {
  if (ranks < 1 || node_size < 1) throw std::invalid_argument("virtual_nodes: ranks and node size must be >= 1");
  NodeLayout layout;
  for (int first = 0; first < ranks; first += node_size) {
    std::vector<int> node;
    for (int r = first; r < std::min(ranks, first + node_size); ++r) node.push_back(r);
    layout.push_back(std::move(node));
  }
  return layout;
}

GroupEstimates compose_tree(const NodeLayout& layout, const std::vector<GroupEstimates>& node_estimates,
                            const GroupEstimates& leader_estimates, int ranks) {
  if (node_estimates.size() != layout.size() || leader_estimates.size() != layout.size()) {
    throw std::invalid_argument("compose_tree: one set of estimates per node is needed");
  }
  GroupEstimates global(static_cast<std::size_t>(ranks));
  for (std::size_t k = 0; k < layout.size(); ++k) {
    const std::optional<PeerEstimate>& leader = leader_estimates[k];
    if (node_estimates[k].size() != layout[k].size()) throw std::invalid_argument("compose_tree: node size mismatch");
    for (std::size_t m = 0; m < layout[k].size(); ++m) {
      const std::optional<PeerEstimate>& member = node_estimates[k][m];
      const auto rank = static_cast<std::size_t>(layout[k][m]);
      if (rank >= global.size()) throw std::invalid_argument("compose_tree: rank out of range");
      if (!leader || !member) continue;
      PeerEstimate e;
      e.best.offset_ns = leader->best.offset_ns + member->best.offset_ns;
      e.best.round_trip_ns = leader->best.round_trip_ns + member->best.round_trip_ns;
      // the member's measurement, in the leader's time: moved into the root's time by the leader's offset
      e.best.local_midpoint_ns = member->best.local_midpoint_ns - leader->best.offset_ns;
      // The two were measured at different times, meanwhile the member's clock may have moved against the
      // leader's: by up to kMaxRelativeRate of the time between them (rounded up), which the bound covers.
      // (Only where both are measurements: a leader's own entry, [0], is its estimate alone, and the root's
      // node is measured by the root itself.)
      const bool composed = k > 0 && m > 0;
      const auto apart_ns =
          composed
              ? static_cast<double>(std::chrono::abs(e.best.local_midpoint_ns - leader->best.local_midpoint_ns).count())
              : 0.0;
      e.best.uncertainty_ns = leader->best.uncertainty_ns + member->best.uncertainty_ns +
                              Nanoseconds{static_cast<std::int64_t>(std::ceil(apart_ns * kMaxRelativeRate))};
      e.median_round_trip_ns = leader->median_round_trip_ns + member->median_round_trip_ns;
      e.samples_used = leader->samples_used + member->samples_used;
      e.bursts = leader->bursts + member->bursts - 1;
      e.patience_ran_out = leader->patience_ran_out || member->patience_ran_out;
      global[rank] = e;
    }
  }
  return global;
}

}  // namespace berkeley
