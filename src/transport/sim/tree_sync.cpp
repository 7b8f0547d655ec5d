// The tree round (sync/tree.hpp's hierarchical method): every node leader measures its node's members, all
// nodes at the same time; then the root measures the leaders; compose_tree turns both levels into one
// estimate per participant against the root, and the Berkeley step is taken over all of them. Corrections
// go root → leaders (one message per node, with the node's corrections) → members.
#include <algorithm>

#include "sync/round.hpp"
#include "sync/tree.hpp"
#include "transport/sim/group_round.hpp"
#include "transport/sim/sim_sync_rounds.hpp"

namespace berkeley::sim {
namespace {

struct NodeLevel {
  std::vector<GroupEstimates> estimates;  // per node, as compose_tree takes them
  TrueInstant done;                       // when the slowest node finished
  Nanoseconds max_uncertainty_ns{0};
};

// Level 1. The nodes run concurrently: each channel starts at `start` on its own time. A silent leader takes
// part in nothing, so its node goes unmeasured (and compose_tree leaves all of it out).
NodeLevel measure_nodes(SimNetwork& network, const NodeLayout& layout, LevelMethod method, const PingPongPolicy& policy,
                        TrueInstant start) {
  NodeLevel level;
  level.done = start;
  level.estimates.reserve(layout.size());
  for (const std::vector<int>& node : layout) {
    if (!network.answers(node[0])) {
      level.estimates.emplace_back(node.size());
      continue;
    }
    SimGroupChannel channel(network, node, start);
    level.estimates.push_back(measure_group(channel, method, policy));
    level.done = std::max(level.done, channel.now());
    level.max_uncertainty_ns = std::max(level.max_uncertainty_ns, largest_uncertainty(level.estimates.back()));
  }
  return level;
}

// Root → every leader that answered (its own correction, and its node's to forward), then root → its own
// node's members; each leader forwards to its members once it has its message (the root's own correction
// needs no message). Returns the last application.
TrueInstant deliver_down_the_tree(SimNetwork& network, const NodeLayout& layout, const GroupStep& step,
                                  TrueInstant start) {
  const std::vector<Nanoseconds>& corrections = step.step.corrections_ns;
  const auto correction_of = [&](int id) { return corrections[static_cast<std::size_t>(id)]; };
  const auto answered = [&](int id) { return step.answered[static_cast<std::size_t>(id)]; };
  const int root = layout[0][0];

  std::vector<CorrectionMessage> from_root;
  std::vector<std::size_t> node_of_message;  // the node whose leader from_root[i] goes to
  for (std::size_t k = 1; k < layout.size(); ++k) {
    if (!answered(layout[k][0])) continue;
    from_root.push_back(CorrectionMessage{layout[k][0], correction_of(layout[k][0])});
    node_of_message.push_back(k);
  }
  for (const CorrectionMessage& m : corrections_for(layout[0], step.answered, corrections)) from_root.push_back(m);
  const std::vector<TrueInstant> applied = deliver_corrections(network, root, from_root, start);

  TrueInstant end = start;
  for (const TrueInstant at : applied) end = std::max(end, at);
  for (std::size_t i = 0; i < node_of_message.size(); ++i) {
    const std::vector<int>& node = layout[node_of_message[i]];
    const std::vector<CorrectionMessage> to_members = corrections_for(node, step.answered, corrections);
    for (const TrueInstant at : deliver_corrections(network, node[0], to_members, applied[i])) end = std::max(end, at);
  }
  return end;
}

// Both levels, composed, then the delivery down the tree: the tree's round for run_round.
class TreeRound final : public RoundTransport {
 public:
  TreeRound(SimNetwork& network, const NodeLayout& layout, LevelMethod method, const PingPongPolicy& policy)
      : network_(network), layout_(layout), method_(method), policy_(policy) {}

  const GroupEstimates& measure() override {
    nodes_ = measure_nodes(network_, layout_, method_, policy_, kSimulationStart);
    std::vector<int> leaders;
    leaders.reserve(layout_.size());
    for (const std::vector<int>& node : layout_) leaders.push_back(node[0]);
    SimGroupChannel root(network_, leaders, nodes_.done);
    leader_estimates_ = measure_group(root, method_, policy_);
    measured_ = root.now();
    global_ = compose_tree(layout_, nodes_.estimates, leader_estimates_, network_.participants());
    return global_;
  }
  Nanoseconds deliver(const GroupStep& step) override {
    end_ = deliver_down_the_tree(network_, layout_, step, measured_);
    return step.step.corrections_ns[static_cast<std::size_t>(layout_[0][0])];
  }

  [[nodiscard]] const NodeLevel& nodes() const { return nodes_; }
  [[nodiscard]] const GroupEstimates& leader_estimates() const { return leader_estimates_; }
  [[nodiscard]] TrueInstant measured() const { return measured_; }
  [[nodiscard]] TrueInstant end() const { return end_; }

 private:
  SimNetwork& network_;
  const NodeLayout& layout_;
  LevelMethod method_;
  const PingPongPolicy& policy_;
  NodeLevel nodes_;
  GroupEstimates leader_estimates_;
  GroupEstimates global_;
  TrueInstant measured_;
  TrueInstant end_;
};

}  // namespace

SimSyncResult run_tree_sync(SimNetwork& network, const SimSyncOptions& options) {
  const int participants = network.participants();
  const int node_size = options.node_size > 0 ? options.node_size : balanced_node_size(participants);
  const NodeLayout layout = virtual_nodes(participants, node_size);
  const LevelMethod method =
      options.method == SimMethod::tree_collective ? LevelMethod::collective : LevelMethod::pingpong;
  TreeRound transport(network, layout, method, options.pingpong);
  RoundWork work;
  RoundRecord record;
  network.apply_correction(layout[0][0], run_round(transport, options.tolerance_ns, work, &record));

  SimSyncResult result;
  result.method = options.method;
  result.node_size = static_cast<int>(layout[0].size());  // as run: never more than p
  result.nodes = static_cast<int>(layout.size());
  result.node_level_ns = transport.nodes().done - kSimulationStart;
  result.leader_level_ns = transport.measured() - transport.nodes().done;
  result.node_level_max_uncertainty_ns = transport.nodes().max_uncertainty_ns;
  result.leader_level_max_uncertainty_ns = largest_uncertainty(transport.leader_estimates());
  result.max_uncertainty_ns = largest_uncertainty(record.estimates);
  result.delivery_ns = transport.end() - transport.measured();
  finish_round(network, record.step, transport.end(), result);
  return result;
}

}  // namespace berkeley::sim
