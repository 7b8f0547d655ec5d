// The tree round over the simulation (transport/sim/tree_sync): node leaders measure their members, all
// nodes at once; the root measures the leaders; the offsets compose and the Berkeley step is taken over
// every clock; corrections go root → leaders → members. Checked against the truth: every corrected clock
// within the composed bound of the true average, both levels' timing and the delivery as the model
// predicts, the root's load, and what a silent leader or member costs.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>

#include "sim_test_networks.hpp"
#include "sync/measure.hpp"
#include "transport/sim/sim_group_channel.hpp"
#include "transport/sim/sim_sync_rounds.hpp"

namespace berkeley::sim {
namespace {

using simtest::expect_every_clock_near_the_true_average;
using simtest::ideal;
using simtest::kIdealLatency;
using simtest::lossy_without_drift;
using simtest::no_jitter;
using simtest::options_for;

constexpr std::array kTreeMethods{SimMethod::tree, SimMethod::tree_collective};

// the participants a tree of consecutive nodes of `node_size` measures: they answer, and so does their leader
std::vector<int> measured_by_the_tree(const SimNetwork& network, int node_size) {
  std::vector<int> ids;
  for (int id = 0; id < network.participants(); ++id) {
    if (network.answers(id) && network.answers(id / node_size * node_size)) ids.push_back(id);
  }
  return ids;
}

TEST(TreeSync, TrueSpreadStaysWithinBothLevelsUncertainties) {
  for (const SimMethod method : kTreeMethods) {
    for (const std::uint64_t seed : {1U, 2U, 3U}) {
      SimNetwork network(lossy_without_drift(seed), 1'000);
      const SimSyncResult r = run_tree_sync(network, options_for(method, 32));
      SCOPED_TRACE(std::string(sim_method_name(method)) + ", seed " + std::to_string(seed));
      // every composed estimate is within u_node + u_leader of the truth, so two clocks end at most twice
      // that apart; + 4 ns: each of the two Cristian halvings of two estimates may drop an odd nanosecond
      const Nanoseconds bound =
          2 * (r.node_level_max_uncertainty_ns + r.leader_level_max_uncertainty_ns) + Nanoseconds{4};
      EXPECT_LE(r.spread_after_ns, bound);
      // a composed bound is both levels' plus what clocks may move between the two measurements (at most
      // kMaxRelativeRate of the time the levels took, rounded up)
      const auto moved = static_cast<std::int64_t>(
          std::ceil(kMaxRelativeRate * static_cast<double>((r.node_level_ns + r.leader_level_ns).count())));
      EXPECT_LE(r.max_uncertainty_ns,
                r.node_level_max_uncertainty_ns + r.leader_level_max_uncertainty_ns + Nanoseconds{moved});
      EXPECT_GT(r.spread_after_ns, Nanoseconds{0}) << "jitter and asymmetry leave some spread";
      EXPECT_LT(r.spread_after_ns * 1'000, r.spread_before_ns) << "the clocks were brought together";
      EXPECT_LT(r.answered, 1'000) << "some participants are silent";
      EXPECT_EQ(r.nodes, 32);  // 31 nodes of 32 and one of 8
    }
  }
}

TEST(TreeSync, EveryCorrectedClockEndsWithinTheComposedBoundOfTheTrueAverage) {
  for (const SimMethod method : kTreeMethods) {
    for (const std::uint64_t seed : {4U, 5U, 6U}) {
      SCOPED_TRACE(std::string(sim_method_name(method)) + ", seed " + std::to_string(seed));
      NetworkParams params = lossy_without_drift(seed);
      params.silent_fraction = 0.03;  // some leaders too, at 1,000 participants in 32 nodes
      SimNetwork network(params, 1'000);
      const SimSyncResult r = run_tree_sync(network, options_for(method, 32));
      const std::vector<int> measured = measured_by_the_tree(network, 32);
      ASSERT_EQ(r.answered, static_cast<int>(measured.size()));
      ASSERT_EQ(r.clocks_averaged, measured.size()) << "offsets in ±1 s: every clock within the 2 s tolerance";
      expect_every_clock_near_the_true_average(network, measured, measured, r);
    }
  }
}

TEST(TreeSync, ASilentLeaderLosesItsWholeNode) {
  std::vector<ParticipantProfile> profiles = ideal(10, 3);
  profiles[4].silent = true;  // leader of the second node of {0..3} {4..7} {8, 9}
  SimNetwork network(no_jitter(), profiles);
  const SimSyncResult r = run_tree_sync(network, options_for(SimMethod::tree, 4));
  EXPECT_EQ(r.answered, 6);
  for (int id = 4; id < 8; ++id) EXPECT_EQ(network.messages_handled(id), 0) << id;
  EXPECT_EQ(r.spread_after_ns, Nanoseconds{0});  // the ideal network: the six that answered agree exactly
}

TEST(TreeSync, ASilentMemberIsLeftOutOfItsNodeOnly) {
  for (const SimMethod method : kTreeMethods) {
    std::vector<ParticipantProfile> profiles = ideal(10, 3);
    profiles[6].silent = true;  // a member of the second node
    SimNetwork network(no_jitter(), profiles);
    const TrueInstant start = kSimulationStart;
    const ClockReading raw_before = network.raw_clock(6, start);
    const SimSyncResult r = run_tree_sync(network, options_for(method, 4));
    EXPECT_EQ(r.answered, 9) << sim_method_name(method);
    EXPECT_EQ(network.messages_handled(6), 0);
    EXPECT_EQ(network.read_clock(6, start), raw_before) << "no correction for the silent";
    EXPECT_GT(network.messages_handled(7), 0) << "its node's other members take part";
    EXPECT_GE(r.node_level_ns, no_jitter().timeout_ns) << "its leader waited for it";
  }
}

TEST(TreeSync, TheNodesAreMeasuredAtTheSameTimeThenTheLeaders) {
  // ideal network, no jitter: every member takes its measurer the same time X. Nodes {0..3} {4..7} {8, 9}
  // measured concurrently take as long as the largest (3 members); then the root measures 2 leaders.
  const Nanoseconds one_member = [] {
    SimNetwork pair(no_jitter(), ideal(2, 3));
    SimGroupChannel channel(pair, {0, 1}, kSimulationStart);
    (void)measure_pingpong(channel, PingPongPolicy{});
    return channel.now() - kSimulationStart;
  }();
  SimNetwork network(no_jitter(), ideal(10, 3));
  const SimSyncResult r = run_tree_sync(network, options_for(SimMethod::tree, 4));
  EXPECT_EQ(r.node_level_ns, 3 * one_member);
  EXPECT_EQ(r.leader_level_ns, 2 * one_member);
  EXPECT_EQ(r.node_size, 4);
  EXPECT_EQ(r.nodes, 3);
}

TEST(TreeSync, CorrectionsGoToTheLeadersFirstThenDownEveryNodeAtOnce) {
  // ideal network, no jitter, nodes {0..3} {4..7} {8, 9}: the root sends to leaders 4 and 8 first, then to
  // its own members 1, 2, 3 (the 5th message, applied at 5c + L + c). Leader 4 has its message at c + L + c
  // and forwards 3, the last applied 3c + L + c later: 6c + 2L, the round's last (leader 8: 3c + L, then
  // one message, 5c + 2L). Members before leaders would end at 9c + 2L.
  for (const SimMethod method : kTreeMethods) {
    SimNetwork network(no_jitter(), ideal(10, 3));
    const SimSyncResult r = run_tree_sync(network, options_for(method, 4));
    const Nanoseconds c = no_jitter().message_cost_ns;
    EXPECT_EQ(r.delivery_ns, 6 * c + 2 * kIdealLatency) << sim_method_name(method);
    EXPECT_EQ(r.sync_ns(), r.node_level_ns + r.leader_level_ns + r.delivery_ns);
    if (method == SimMethod::tree) {
      EXPECT_EQ(r.spread_after_ns, Nanoseconds{0});
    }
  }
}

SimSyncResult everyone_answering(SimMethod method, int participants, int node_size = 0) {
  NetworkParams params;
  params.silent_fraction = 0.0;  // every participant answers: the counts are exact
  params.slow_fraction = 0.0;
  SimNetwork network(params, participants);
  return run_tree_sync(network, options_for(method, node_size));
}

TEST(TreeSync, TheRootHandlesMessagesForItsNodeAndTheLeadersOnly) {
  for (const int p : {100, 400, 1'600}) {
    const SimSyncResult r = everyone_answering(SimMethod::tree_collective, p);
    const int node = r.node_size;  // sqrt(p): p nodes of sqrt(p)
    ASSERT_EQ(node * node, p);
    ASSERT_EQ(r.nodes, node);
    // as a leader: request + reading per member, then each member's correction; as the root: the same per leader
    EXPECT_EQ(r.busiest.participant, 0);
    EXPECT_EQ(r.busiest.messages, 3 * (node - 1) + 3 * (r.nodes - 1)) << p;
  }
  const PingPongPolicy policy;
  for (const int p : {100, 400, 1'600}) {
    const SimSyncResult r = everyone_answering(SimMethod::tree, p);
    const int peers = (r.node_size - 1) + (r.nodes - 1);
    // per peer: min..max exchanges of two messages, a release, a correction
    EXPECT_GE(r.busiest.messages, peers * (2 * policy.min_exchanges + 2)) << p;
    EXPECT_LE(r.busiest.messages, peers * (2 * policy.max_exchanges + 2)) << p;
  }
}

TEST(TreeSync, TheDefaultNodeSizeIsTheCeilingOfTheSquareRoot) {
  for (const SimMethod method : kTreeMethods) {
    const SimSyncResult ten = everyone_answering(method, 10);
    EXPECT_EQ(ten.node_size, 4) << sim_method_name(method);
    EXPECT_EQ(ten.nodes, 3);
    EXPECT_EQ(ten.answered, 10);
    EXPECT_EQ(ten.method, method);
    EXPECT_EQ(ten.participants, 10);
    const SimSyncResult hundred = everyone_answering(method, 100);
    EXPECT_EQ(hundred.node_size, 10);
    EXPECT_EQ(hundred.nodes, 10);
  }
}

TEST(TreeSync, ANodeLargerThanTheParticipantsIsOneNodeAndNoLeaderLevel) {
  for (const SimMethod method : kTreeMethods) {
    SimNetwork network(no_jitter(), ideal(10, 7));
    const SimSyncResult r = run_tree_sync(network, options_for(method, 50));
    EXPECT_EQ(r.node_size, 10) << sim_method_name(method);  // as run, never more than p
    EXPECT_EQ(r.nodes, 1);
    EXPECT_EQ(r.answered, 10);
    EXPECT_EQ(r.leader_level_ns, Nanoseconds{0}) << "the root has no other leader to measure";
    EXPECT_EQ(r.leader_level_max_uncertainty_ns, Nanoseconds{0});
    EXPECT_LE(r.spread_after_ns, 2 * r.max_uncertainty_ns);
  }
}

}  // namespace
}  // namespace berkeley::sim
