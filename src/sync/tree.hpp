#pragma once
// Hierarchical Berkeley: ranks grouped by node; each node leader measures its members, the root measures
// the leaders, and the offsets compose (member vs root = leader vs root + member vs leader). The step is
// then taken over *all* clocks, so the agreed time is still the fault-tolerant average of every clock,
// not of the leaders. Pure: no MPI, no I/O.
#include <vector>

#include "sync/measure.hpp"

namespace berkeley {

// Which ranks form each node; nodes[k][0] is node k's leader, nodes[0][0] is the root (rank 0).
using NodeLayout = std::vector<std::vector<int>>;

// Groups ranks 0..ranks-1 into nodes of `node_size` consecutive ranks (the last may be smaller):
// the virtual nodes used to run both levels on one host.
[[nodiscard]] NodeLayout virtual_nodes(int ranks, int node_size);

// ceil(sqrt(ranks)): the node size that balances the tree's two levels (as many nodes as members per node)
[[nodiscard]] int balanced_node_size(int ranks);

// node_estimates[k]: node k's leader's estimates of its members (index as in layout[k]; [0] the leader).
// leader_estimates: the root's estimates of the leaders (index k = node k; [0] the root itself).
// Returns one estimate per rank against the root: offsets add, uncertainties add (plus what the clocks may
// have moved between the two measurements, see kMaxRelativeRate), round trips add; missing when either
// level is missing.
[[nodiscard]] GroupEstimates compose_tree(const NodeLayout& layout, const std::vector<GroupEstimates>& node_estimates,
                                          const GroupEstimates& leader_estimates, int ranks);

}  // namespace berkeley
