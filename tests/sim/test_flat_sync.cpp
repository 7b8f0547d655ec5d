// The flat round over the simulation (transport/sim/flat_sync): the master measures every other participant
// itself (gathered at once, or ping-pong one at a time), takes the Berkeley step over all clocks and sends
// each its correction. Checked against the truth the simulation knows exactly: every corrected clock ends
// within the round's own stated bound of the true average, outliers are judged against the majority, the
// silent are left out, and the master's load and the delivery's time are the ones the model predicts.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>

#include "sim_test_networks.hpp"
#include "transport/sim/sim_sync_rounds.hpp"

namespace berkeley::sim {
namespace {

using simtest::answering;
using simtest::expect_every_clock_near_the_true_average;
using simtest::first_ids;
using simtest::ideal;
using simtest::kIdealLatency;
using simtest::kSecond;
using simtest::lossy_without_drift;
using simtest::no_jitter;
using simtest::options_for;

constexpr std::array kFlatMethods{SimMethod::collective, SimMethod::pingpong};

TEST(FlatSync, ARoundOverTheIdealNetworkLeavesNoSpreadAtAll) {
  SimNetwork network(no_jitter(), ideal(64, 5));
  const SimSyncResult r = run_flat_sync(network, options_for(SimMethod::pingpong));
  EXPECT_EQ(r.answered, 64);
  EXPECT_GT(r.spread_before_ns, kSecond);  // 64 offsets drawn in ±1 s
  EXPECT_EQ(r.spread_after_ns, Nanoseconds{0});
}

TEST(FlatSync, EveryCorrectedClockEndsWithinTheStatedBoundOfTheTrueAverage) {
  for (const SimMethod method : kFlatMethods) {
    for (const std::uint64_t seed : {1U, 2U, 3U}) {
      SCOPED_TRACE(std::string(sim_method_name(method)) + ", seed " + std::to_string(seed));
      SimNetwork network(lossy_without_drift(seed), 500);
      const SimSyncResult r = run_flat_sync(network, options_for(method));
      const std::vector<int> answered = answering(network);
      ASSERT_LT(answered.size(), 500U) << "the model has silent participants";
      ASSERT_EQ(r.answered, static_cast<int>(answered.size()));
      ASSERT_EQ(r.clocks_averaged, answered.size()) << "offsets in ±1 s: every clock within the 2 s tolerance";
      EXPECT_GT(r.max_uncertainty_ns, Nanoseconds{0});
      expect_every_clock_near_the_true_average(network, answered, answered, r);
      EXPECT_LE(r.spread_after_ns, 2 * r.max_uncertainty_ns) << "two clocks each within their bound";
    }
  }
}

// ideal(9) with participant `outlier` 20 s ahead: the others are within 2 s of each other, tolerance 3 s
struct OutlierRound {
  std::unique_ptr<SimNetwork> network;  // not movable: its clocks refer to its members
  SimSyncResult result;
};
OutlierRound round_with_outlier(int outlier, SimMethod method) {
  std::vector<ParticipantProfile> profiles = ideal(9, 21);
  profiles[static_cast<std::size_t>(outlier)].clock.offset_ns = 20 * kSecond;
  OutlierRound round{std::make_unique<SimNetwork>(no_jitter(), profiles), {}};
  SimSyncOptions options = options_for(method);
  options.tolerance_ns = 3 * kSecond;
  round.result = run_flat_sync(*round.network, options);
  return round;
}

TEST(FlatSync, AnOutlierIsLeftOutOfTheAverageYetCorrectedToIt) {
  for (const SimMethod method : kFlatMethods) {
    SCOPED_TRACE(sim_method_name(method));
    const OutlierRound round = round_with_outlier(5, method);
    EXPECT_EQ(round.result.answered, 9);
    EXPECT_EQ(round.result.clocks_averaged, 8U);
    EXPECT_GT(round.result.spread_before_ns, 18 * kSecond);
    expect_every_clock_near_the_true_average(*round.network, {0, 1, 2, 3, 4, 6, 7, 8}, first_ids(9), round.result);
  }
}

TEST(FlatSync, AnOutlierMasterIsJudgedByTheMajorityAndCorrectsItself) {
  for (const SimMethod method : kFlatMethods) {
    SCOPED_TRACE(sim_method_name(method));
    const OutlierRound round = round_with_outlier(0, method);
    EXPECT_EQ(round.result.clocks_averaged, 8U);
    expect_every_clock_near_the_true_average(*round.network, {1, 2, 3, 4, 5, 6, 7, 8}, first_ids(9), round.result);
    // the master's own correction, about −20 s, travels in no message: the round applies it itself
    const Nanoseconds own =
        round.network->read_clock(0, kSimulationStart) - round.network->raw_clock(0, kSimulationStart);
    EXPECT_LT(own, -18 * kSecond);
  }
}

TEST(FlatSync, SilentParticipantsAreLeftOutAndGetNoMessage) {
  NetworkParams params = lossy_without_drift(9);
  params.silent_fraction = 0.05;
  for (const SimMethod method : kFlatMethods) {
    SimNetwork network(params, 400);
    int silent = 0;
    for (int id = 0; id < 400; ++id) {
      if (!network.answers(id)) ++silent;
    }
    ASSERT_GT(silent, 5);
    const SimSyncResult r = run_flat_sync(network, options_for(method));
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

SimSyncResult everyone_answering(SimMethod method, int participants, const PingPongPolicy& policy = {}) {
  NetworkParams params;
  params.silent_fraction = 0.0;  // every participant answers: the counts are exact
  params.slow_fraction = 0.0;
  SimNetwork network(params, participants);
  SimSyncOptions options = options_for(method);
  options.pingpong = policy;
  return run_flat_sync(network, options);
}

TEST(FlatSync, TheCollectiveMasterHandlesThreeMessagesPerParticipant) {
  for (const int p : {100, 400, 1'600}) {
    const SimSyncResult r = everyone_answering(SimMethod::collective, p);
    EXPECT_EQ(r.busiest.participant, 0);
    EXPECT_EQ(r.busiest.messages, 3 * (p - 1)) << p;  // request, reading, correction
  }
}

TEST(FlatSync, ThePingpongMasterHandlesTwoMessagesPerExchangeAReleaseAndACorrection) {
  PingPongPolicy three;
  three.min_exchanges = 3;
  three.max_exchanges = 3;
  for (const int p : {10, 101}) {
    const SimSyncResult r = everyone_answering(SimMethod::pingpong, p, three);
    EXPECT_EQ(r.busiest, (BusiestParticipant{0, (p - 1) * (2 * 3 + 1 + 1)})) << p;
  }
}

TEST(FlatSync, TheDeliveryTakesOneCostPerMessageThenOneFlightAndOneCost) {
  // no jitter, symmetric links: the last of p − 1 corrections leaves after (p − 1)·c and is applied L + c later
  for (const SimMethod method : kFlatMethods) {
    SimNetwork network(no_jitter(), ideal(20, 4));
    const SimSyncResult r = run_flat_sync(network, options_for(method));
    const Nanoseconds c = no_jitter().message_cost_ns;
    EXPECT_EQ(r.delivery_ns, 19 * c + kIdealLatency + c) << sim_method_name(method);
    EXPECT_GT(r.node_level_ns, Nanoseconds{0});
    EXPECT_EQ(r.leader_level_ns, Nanoseconds{0}) << "flat: one level";
    EXPECT_EQ(r.sync_ns(), r.node_level_ns + r.delivery_ns);
    EXPECT_EQ(r.nodes, 0);
    EXPECT_EQ(r.node_size, 0);
    EXPECT_EQ(r.method, method);
    EXPECT_EQ(r.participants, 20);
    EXPECT_EQ(r.max_uncertainty_ns, r.node_level_max_uncertainty_ns);
  }
}

TEST(FlatSync, AMasterAloneHasNothingToMeasureOrSend) {
  for (const SimMethod method : kFlatMethods) {
    SimNetwork network(no_jitter(), ideal(1, 2));
    const SimSyncResult r = run_flat_sync(network, options_for(method));
    EXPECT_EQ(r.answered, 1) << sim_method_name(method);
    EXPECT_EQ(r.clocks_averaged, 1U);
    EXPECT_EQ(r.busiest, (BusiestParticipant{0, 0}));
    EXPECT_EQ(r.sync_ns(), Nanoseconds{0});
    EXPECT_EQ(r.spread_after_ns, Nanoseconds{0});
    EXPECT_EQ(network.read_clock(0, kSimulationStart), network.raw_clock(0, kSimulationStart)) << "no correction";
  }
}

TEST(FlatSync, DriftDuringALongRoundShowsInTheSpread) {
  // the same network with and without drift: ping-pong of 2,000 participants takes tens of ms, so
  // ±50 ppm adds microseconds that the stationary clocks do not have
  NetworkParams params = lossy_without_drift(4);
  const SimSyncResult still = [&] {
    SimNetwork network(params, 2'000);
    return run_flat_sync(network, options_for(SimMethod::pingpong));
  }();
  params.drift_ppm = 50.0;
  SimNetwork network(params, 2'000);
  const SimSyncResult drifting = run_flat_sync(network, options_for(SimMethod::pingpong));
  // two clocks 100 ppm apart, one measured at the start and one corrected at the end of the round
  EXPECT_GT(drifting.spread_after_ns, 5 * still.spread_after_ns);
  EXPECT_LT(drifting.spread_after_ns, still.spread_after_ns + drifting.sync_ns() / 10'000 * 2);  // ≤ 200 ppm of it
}

}  // namespace
}  // namespace berkeley::sim
