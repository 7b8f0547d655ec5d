// Whole rounds over the simulation: the project's measurement, tree composition and Berkeley step running
// on SimGroupChannel, checked against the truth the simulation knows exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <string>

#include "sync/measure.hpp"
#include "transport/sim/sim_group_channel.hpp"
#include "transport/sim/sim_sync.hpp"

namespace berkeley::sim {
namespace {

constexpr Nanoseconds kSecond{1'000'000'000};

// the default model (jitter, asymmetry, slow and silent participants) without drift, so that every
// estimate's Cristian bound holds exactly
NetworkParams lossy_without_drift(std::uint64_t seed) {
  NetworkParams p;
  p.seed = seed;
  p.slow_fraction = 0.02;
  p.silent_fraction = 0.01;
  p.drift_ppm = 0.0;
  return p;
}

// the ideal network: symmetric links, no jitter, nobody slow or silent, no drift; offsets as drawn
std::vector<ParticipantProfile> ideal(int participants, std::uint64_t seed) {
  std::vector<ParticipantProfile> profiles;
  for (int id = 0; id < participants; ++id) {
    profiles.push_back(symmetric_participant(Nanoseconds{5'000},
                                             draw_simulated_clock(seed, static_cast<std::uint64_t>(id), kSecond, 0.0)));
  }
  return profiles;
}

NetworkParams no_jitter() {
  NetworkParams p;
  p.jitter_ns = Nanoseconds{0};
  return p;
}

SimSyncOptions options_for(SimMethod method, int node_size = 0) {
  SimSyncOptions o;
  o.method = method;
  o.node_size = node_size;
  return o;
}

TEST(SimPingpong, MeasuresExactOffsetsOverSymmetricLinksWithoutJitter) {
  const int participants = 50;
  const std::vector<ParticipantProfile> profiles = ideal(participants, 11);
  SimNetwork network(no_jitter(), profiles);
  std::vector<int> everyone(participants);
  std::iota(everyone.begin(), everyone.end(), 0);
  SimGroupChannel channel(network, everyone, kSimulationStart);
  const GroupEstimates e = measure_pingpong(channel, PingPongPolicy{});
  const Nanoseconds round_trip = 4 * no_jitter().message_cost_ns + 2 * Nanoseconds{5'000};
  for (int id = 1; id < participants; ++id) {
    const auto i = static_cast<std::size_t>(id);
    ASSERT_TRUE(e[i].has_value()) << id;
    EXPECT_EQ(e[i]->best.offset_ns, profiles[i].clock.offset_ns - profiles[0].clock.offset_ns) << id;
    EXPECT_EQ(e[i]->best.uncertainty_ns, round_trip / 2) << id;
  }
}

TEST(SimPingpong, ARoundOverTheIdealNetworkLeavesNoSpreadAtAll) {
  SimNetwork network(no_jitter(), ideal(64, 5));
  const SimSyncResult r = run_simulated_sync(network, options_for(SimMethod::pingpong));
  EXPECT_EQ(r.answered, 64);
  EXPECT_GT(r.spread_before_ns, kSecond);  // 64 offsets drawn in ±1 s
  EXPECT_EQ(r.spread_after_ns, Nanoseconds{0});
}

TEST(SimTreeRound, TrueSpreadStaysWithinBothLevelsUncertainties) {
  for (const SimMethod method : {SimMethod::tree, SimMethod::tree_collective}) {
    for (const std::uint64_t seed : {1U, 2U, 3U}) {
      SimNetwork network(lossy_without_drift(seed), 1'000);
      const SimSyncResult r = run_simulated_sync(network, options_for(method, 32));
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

TEST(SimRound, SilentParticipantsAreLeftOutAndGetNoMessage) {
  NetworkParams params = lossy_without_drift(9);
  params.silent_fraction = 0.05;
  for (const SimMethod method : {SimMethod::collective, SimMethod::pingpong}) {
    SimNetwork network(params, 400);
    int silent = 0;
    for (int id = 0; id < 400; ++id) {
      if (!network.answers(id)) ++silent;
    }
    ASSERT_GT(silent, 5);
    const SimSyncResult r = run_simulated_sync(network, options_for(method));
    EXPECT_EQ(r.answered, 400 - silent) << sim_method_name(method);
    for (int id = 0; id < 400; ++id) {
      if (!network.answers(id)) {
        EXPECT_EQ(network.messages_handled(id), 0) << id;
      }
    }
    // each silent participant cost the master its timeout: at least one (collective), one each (pingpong)
    const Nanoseconds waited = method == SimMethod::pingpong ? silent * params.timeout_ns : params.timeout_ns;
    EXPECT_GE(r.node_level_ns, waited) << sim_method_name(method);
  }
}

TEST(SimRound, ASilentLeaderLosesItsWholeNode) {
  std::vector<ParticipantProfile> profiles = ideal(10, 3);
  profiles[4].silent = true;  // leader of the second node of {0..3} {4..7} {8, 9}
  SimNetwork network(no_jitter(), profiles);
  const SimSyncResult r = run_simulated_sync(network, options_for(SimMethod::tree, 4));
  EXPECT_EQ(r.answered, 6);
  for (int id = 4; id < 8; ++id) EXPECT_EQ(network.messages_handled(id), 0) << id;
  EXPECT_EQ(r.spread_after_ns, Nanoseconds{0});  // the ideal network: the six that answered agree exactly
}

SimSyncResult round_of(SimMethod method, int participants, int node_size = 0) {
  NetworkParams params;
  params.silent_fraction = 0.0;  // every participant answers: the counts are exact
  params.slow_fraction = 0.0;
  SimNetwork network(params, participants);
  return run_simulated_sync(network, options_for(method, node_size));
}

TEST(SimMessages, TheCollectiveMasterHandlesThreeMessagesPerParticipant) {
  for (const int p : {100, 400, 1'600}) {
    const SimSyncResult r = round_of(SimMethod::collective, p);
    EXPECT_EQ(r.busiest.participant, 0);
    EXPECT_EQ(r.busiest.messages, 3 * (p - 1)) << p;  // request, reading, correction
  }
}

TEST(SimMessages, TheTreeRootHandlesMessagesForItsNodeAndTheLeadersOnly) {
  for (const int p : {100, 400, 1'600}) {
    const SimSyncResult r = round_of(SimMethod::tree_collective, p);
    const int node = r.node_size;  // sqrt(p): p nodes of sqrt(p)
    ASSERT_EQ(node * node, p);
    ASSERT_EQ(r.nodes, node);
    // as a leader: request + reading per member, then each member's correction; as the root: the same per leader
    EXPECT_EQ(r.busiest.participant, 0);
    EXPECT_EQ(r.busiest.messages, 3 * (node - 1) + 3 * (r.nodes - 1)) << p;
  }
  const PingPongPolicy policy;
  for (const int p : {100, 400, 1'600}) {
    const SimSyncResult r = round_of(SimMethod::tree, p);
    const int peers = (r.node_size - 1) + (r.nodes - 1);
    // per peer: min..max exchanges of two messages, a release, a correction
    EXPECT_GE(r.busiest.messages, peers * (2 * policy.min_exchanges + 2)) << p;
    EXPECT_LE(r.busiest.messages, peers * (2 * policy.max_exchanges + 2)) << p;
  }
}

TEST(SimMessages, FlatGrowsAsPButTheTreeAsItsSquareRoot) {
  const double flat = static_cast<double>(round_of(SimMethod::collective, 6'400).busiest.messages) /
                      static_cast<double>(round_of(SimMethod::collective, 400).busiest.messages);
  const double tree = static_cast<double>(round_of(SimMethod::tree_collective, 6'400).busiest.messages) /
                      static_cast<double>(round_of(SimMethod::tree_collective, 400).busiest.messages);
  EXPECT_NEAR(flat, 16.0, 0.1);  // p × 16
  EXPECT_NEAR(tree, 4.0, 0.2);   // sqrt(p) × 4
  // a fixed node size of 32: the root's load is 32 + p/32, still far below p
  const SimSyncResult fixed = round_of(SimMethod::tree_collective, 6'400, 32);
  EXPECT_EQ(fixed.busiest.messages, 3 * 31 + 3 * (200 - 1));
}

TEST(SimDeterminism, TheSameSeedGivesTheSameFiguresAndAnotherSeedOthers) {
  for (const SimMethod method :
       {SimMethod::collective, SimMethod::pingpong, SimMethod::tree, SimMethod::tree_collective}) {
    NetworkParams params;  // the default model, drift included
    params.seed = 77;
    SimNetwork first(params, 2'000);
    SimNetwork second(params, 2'000);
    const SimSyncResult a = run_simulated_sync(first, options_for(method));
    const SimSyncResult b = run_simulated_sync(second, options_for(method));
    EXPECT_EQ(a, b) << sim_method_name(method);
    params.seed = 78;
    SimNetwork other(params, 2'000);
    const SimSyncResult c = run_simulated_sync(other, options_for(method));
    EXPECT_NE(a.spread_after_ns, c.spread_after_ns) << sim_method_name(method);
    EXPECT_NE(a.spread_before_ns, c.spread_before_ns) << sim_method_name(method);
  }
}

TEST(SimDrift, DriftDuringALongFlatRoundShowsInTheSpread) {
  // the same network with and without drift: ping-pong of 2,000 participants takes tens of ms, so
  // ±50 ppm adds microseconds that the stationary clocks do not have
  NetworkParams params = lossy_without_drift(4);
  const SimSyncResult still = [&] {
    SimNetwork network(params, 2'000);
    return run_simulated_sync(network, options_for(SimMethod::pingpong));
  }();
  params.drift_ppm = 50.0;
  SimNetwork network(params, 2'000);
  const SimSyncResult drifting = run_simulated_sync(network, options_for(SimMethod::pingpong));
  // two clocks 100 ppm apart, one measured at the start and one corrected at the end of the round
  EXPECT_GT(drifting.spread_after_ns, 5 * still.spread_after_ns);
  EXPECT_LT(drifting.spread_after_ns, still.spread_after_ns + drifting.sync_ns() / 10'000 * 2);  // ≤ 200 ppm of it
}

}  // namespace
}  // namespace berkeley::sim
