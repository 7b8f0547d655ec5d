// The pieces the flat and the tree round share over the simulation (transport/sim/group_round): a group
// measured by the method asked for, one correction message per member that answered (never the master's),
// and the round's result filled from the truth once the corrections are applied.
#include <gtest/gtest.h>

#include <vector>

#include "sim_test_networks.hpp"
#include "transport/sim/group_round.hpp"

namespace berkeley::sim {
namespace {

using simtest::first_ids;
using simtest::ideal;
using simtest::kIdealLatency;
using simtest::no_jitter;

TEST(MeasureGroup, PingpongMeasuresExactOffsetsOverSymmetricLinksWithoutJitter) {
  const int participants = 50;
  const std::vector<ParticipantProfile> profiles = ideal(participants, 11);
  SimNetwork network(no_jitter(), profiles);
  SimGroupChannel channel(network, first_ids(participants), kSimulationStart);
  const GroupEstimates e = measure_group(channel, LevelMethod::pingpong, PingPongPolicy{});
  ASSERT_EQ(e.size(), static_cast<std::size_t>(participants));
  const Nanoseconds round_trip = 4 * no_jitter().message_cost_ns + 2 * kIdealLatency;
  for (int id = 1; id < participants; ++id) {
    const auto i = static_cast<std::size_t>(id);
    ASSERT_TRUE(e[i].has_value()) << id;
    EXPECT_EQ(e[i]->best.offset_ns, profiles[i].clock.offset_ns - profiles[0].clock.offset_ns) << id;
    EXPECT_EQ(e[i]->best.uncertainty_ns, round_trip / 2) << id;
    EXPECT_GE(e[i]->samples_used, PingPongPolicy{}.min_exchanges) << id;
  }
}

TEST(MeasureGroup, CollectiveGathersOnceAndBoundsEveryEstimateByTheSameInterval) {
  const int participants = 30;
  const std::vector<ParticipantProfile> profiles = ideal(participants, 12);
  SimNetwork network(no_jitter(), profiles);
  SimGroupChannel channel(network, first_ids(participants), kSimulationStart);
  const GroupEstimates e = measure_group(channel, LevelMethod::collective, PingPongPolicy{});
  ASSERT_EQ(e.size(), static_cast<std::size_t>(participants));
  ASSERT_TRUE(e[1].has_value());
  const Nanoseconds interval = e[1]->best.round_trip_ns;
  // the gather's interval grows with the members, beyond a single round trip
  EXPECT_GT(interval, 4 * no_jitter().message_cost_ns + 2 * kIdealLatency);
  for (int id = 1; id < participants; ++id) {
    const auto i = static_cast<std::size_t>(id);
    ASSERT_TRUE(e[i].has_value()) << id;
    EXPECT_EQ(e[i]->samples_used, 1) << id;
    EXPECT_EQ(e[i]->best.round_trip_ns, interval) << id;
    const Nanoseconds truth = profiles[i].clock.offset_ns - profiles[0].clock.offset_ns;
    EXPECT_LE(std::chrono::abs(e[i]->best.offset_ns - truth), e[i]->best.uncertainty_ns) << id;
  }
  // one request and one reply per member at the master, nothing else
  EXPECT_EQ(network.messages_handled(0), 2 * (participants - 1));
}

TEST(CorrectionsFor, OneMessagePerAnsweringMemberWithItsOwnCorrectionAndNoneForTheMaster) {
  // a group of participants 7 (its master), 2, 5 and 9, in a network of 10; 5 did not answer
  const std::vector<int> group{7, 2, 5, 9};
  std::vector<bool> answered(10, true);
  answered[5] = false;
  std::vector<Nanoseconds> corrections;
  for (int id = 0; id < 10; ++id) corrections.push_back(Nanoseconds{100 * id - 450});
  const std::vector<CorrectionMessage> messages = corrections_for(group, answered, corrections);
  ASSERT_EQ(messages.size(), 2U);
  EXPECT_EQ(messages[0].recipient, 2);
  EXPECT_EQ(messages[0].correction_ns, Nanoseconds{-250});  // indexed by participant id, sign kept
  EXPECT_EQ(messages[1].recipient, 9);
  EXPECT_EQ(messages[1].correction_ns, Nanoseconds{450});
}

TEST(CorrectionsFor, TheMasterAloneOrNobodyAnsweringSendsNothing) {
  const std::vector<Nanoseconds> corrections(4, Nanoseconds{5});
  EXPECT_TRUE(corrections_for({3}, std::vector<bool>(4, true), corrections).empty());
  EXPECT_TRUE(corrections_for({0, 1, 2, 3}, {true, false, false, false}, corrections).empty());
}

TEST(FinishRound, FillsTheCountsAndTheTrueSpreadsOfTheParticipantsThatAnswered) {
  // offsets 0, +300, −200 (drifting 100 ppm) and +5,000 (did not answer); participant 2's clock ends
  // 100 µs ahead after a second however it was corrected at the start
  const std::vector<ParticipantProfile> profiles{symmetric_participant(kIdealLatency, {Nanoseconds{0}, 0.0}),
                                                 symmetric_participant(kIdealLatency, {Nanoseconds{300}, 0.0}),
                                                 symmetric_participant(kIdealLatency, {Nanoseconds{-200}, 100.0}),
                                                 symmetric_participant(kIdealLatency, {Nanoseconds{5'000}, 0.0})};
  SimNetwork network(no_jitter(), profiles);
  network.apply_correction(1, Nanoseconds{-300});
  network.apply_correction(2, Nanoseconds{200});
  for (const int id : {1, 1, 2, 2, 3}) network.count_message(id);

  GroupStep step;
  step.answered = {true, true, true, false};
  step.step.clocks_averaged = 2;
  step.step.corrections_ns = {Nanoseconds{0}, Nanoseconds{-300}, Nanoseconds{200}, Nanoseconds{0}};
  SimSyncResult result;
  result.method = SimMethod::tree;
  finish_round(network, step, kSimulationStart + Nanoseconds{1'000'000'000}, result);

  EXPECT_EQ(result.participants, 4);
  EXPECT_EQ(result.answered, 3);
  EXPECT_EQ(result.clocks_averaged, 2U);
  EXPECT_EQ(result.busiest, (BusiestParticipant{1, 2}));
  EXPECT_EQ(result.spread_before_ns, Nanoseconds{500}) << "raw, at the start, without the silent +5,000";
  EXPECT_EQ(result.spread_after_ns, Nanoseconds{100'000}) << "corrected, at the end";
  EXPECT_EQ(result.method, SimMethod::tree) << "not finish_round's to set";
}

}  // namespace
}  // namespace berkeley::sim
