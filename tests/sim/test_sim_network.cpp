// The simulated network's state (transport/sim/sim_network): the profiles it holds, how long each message
// flies (both access links and that message's own jitter), the message counts and the busiest
// participant, and every clock read at a true instant, with and without the corrections applied to it.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "transport/sim/network_model.hpp"
#include "transport/sim/sim_network.hpp"
#include "transport/sim/sim_random.hpp"

namespace berkeley::sim {
namespace {

constexpr TrueInstant kOneSecond = kSimulationStart + Nanoseconds{1'000'000'000};

ParticipantProfile link(std::int64_t uplink_ns, std::int64_t downlink_ns) {
  ParticipantProfile p;
  p.uplink_ns = Nanoseconds{uplink_ns};
  p.downlink_ns = Nanoseconds{downlink_ns};
  return p;
}

NetworkParams without_jitter() {
  NetworkParams p;
  p.jitter_ns = Nanoseconds{0};
  return p;
}

TEST(SimNetwork, ReadsEachClockAsTrueTimePlusOffsetPlusDriftAndAppliesCorrections) {
  const SimulatedClockParams drifting{Nanoseconds{-250'000}, 100.0};
  SimNetwork network(NetworkParams{}, {symmetric_participant(Nanoseconds{5'000}, {}),
                                       symmetric_participant(Nanoseconds{5'000}, drifting)});
  // 100 ppm over 1 s: 100 µs ahead of where the offset alone puts it
  EXPECT_EQ(network.read_clock(1, kOneSecond),
            perfect_reading(kOneSecond) - Nanoseconds{250'000} + Nanoseconds{100'000});
  network.apply_correction(1, Nanoseconds{150'000});
  EXPECT_EQ(network.read_clock(1, kOneSecond), perfect_reading(kOneSecond));
  EXPECT_EQ(network.raw_clock(1, kOneSecond), perfect_reading(kOneSecond) - Nanoseconds{150'000});
  EXPECT_EQ(network.read_clock(0, kOneSecond), perfect_reading(kOneSecond));
}

TEST(SimNetwork, ReadsAClockAtAnyInstantInAnyOrder) {
  // no "now": groups that run concurrently read the same clock at instants that go back and forth
  SimNetwork network(NetworkParams{}, {symmetric_participant(Nanoseconds{5'000}, {Nanoseconds{42}, -20.0})});
  const TrueInstant half = kSimulationStart + Nanoseconds{500'000'000};
  EXPECT_EQ(network.read_clock(0, kOneSecond), perfect_reading(kOneSecond) + Nanoseconds{42 - 20'000});
  EXPECT_EQ(network.read_clock(0, half), perfect_reading(half) + Nanoseconds{42 - 10'000});
  EXPECT_EQ(network.read_clock(0, kSimulationStart), perfect_reading(kSimulationStart) + Nanoseconds{42});
  EXPECT_EQ(network.read_clock(0, kOneSecond), perfect_reading(kOneSecond) + Nanoseconds{42 - 20'000});
}

TEST(SimNetwork, CorrectionsAddUpOnTheCorrectedClockAndLeaveTheRawClockAlone) {
  SimNetwork network(NetworkParams{}, {link(1, 1), link(1, 1), link(1, 1)});
  network.apply_correction(1, Nanoseconds{-300});
  network.apply_correction(1, Nanoseconds{1'000});
  EXPECT_EQ(network.read_clock(1, kOneSecond), perfect_reading(kOneSecond) + Nanoseconds{700});
  EXPECT_EQ(network.raw_clock(1, kOneSecond), perfect_reading(kOneSecond));
  EXPECT_EQ(network.read_clock(2, kOneSecond), perfect_reading(kOneSecond)) << "another clock is not touched";
}

TEST(SimNetwork, HoldsTheProfilesDrawnForItsParticipants) {
  NetworkParams params;
  params.seed = 8;
  params.silent_fraction = 0.2;
  params.slow_fraction = 0.2;
  const SimNetwork network(params, 60);
  const std::vector<ParticipantProfile> drawn = draw_participants(params, 60);
  ASSERT_EQ(network.participants(), 60);
  EXPECT_EQ(network.params().seed, 8U);
  int silent = 0;
  for (int id = 0; id < 60; ++id) {
    const ParticipantProfile& expected = drawn[static_cast<std::size_t>(id)];
    EXPECT_EQ(network.profile(id).uplink_ns, expected.uplink_ns) << id;
    EXPECT_EQ(network.profile(id).downlink_ns, expected.downlink_ns) << id;
    EXPECT_EQ(network.profile(id).slow, expected.slow) << id;
    EXPECT_EQ(network.profile(id).clock.offset_ns, expected.clock.offset_ns) << id;
    EXPECT_EQ(network.answers(id), !expected.silent) << id;
    // each raw clock is the drawn one
    const Nanoseconds drift = drift_over(kOneSecond - kSimulationStart, expected.clock.drift_ppm);
    EXPECT_EQ(network.raw_clock(id, kOneSecond), perfect_reading(kOneSecond) + expected.clock.offset_ns + drift) << id;
    silent += expected.silent ? 1 : 0;
  }
  EXPECT_GT(silent, 0) << "the fraction asked for makes some silent: answers() is tested both ways";
}

TEST(SimNetwork, RefusesANetworkWithoutParticipants) {
  EXPECT_THROW(SimNetwork(NetworkParams{}, 0), std::invalid_argument);
  EXPECT_THROW(SimNetwork(NetworkParams{}, std::vector<ParticipantProfile>{}), std::invalid_argument);
}

TEST(SimNetwork, AnUnknownParticipantIsOutOfRange) {
  SimNetwork network(NetworkParams{}, {link(1, 1), link(1, 1)});
  EXPECT_THROW((void)network.profile(2), std::out_of_range);
  EXPECT_THROW((void)network.read_clock(-1, kOneSecond), std::out_of_range);
  EXPECT_THROW((void)network.raw_clock(2, kOneSecond), std::out_of_range);
  EXPECT_THROW(network.apply_correction(2, Nanoseconds{1}), std::out_of_range);
  EXPECT_THROW(network.count_message(5), std::out_of_range);
}

TEST(SimNetwork, AFlightWithoutJitterIsTheSendersUplinkPlusTheReceiversDownlink) {
  SimNetwork network(without_jitter(), {link(3'000, 2'000), link(4'500, 1'500)});
  EXPECT_EQ(network.flight(0, 1), Nanoseconds{3'000 + 1'500});
  EXPECT_EQ(network.flight(1, 0), Nanoseconds{4'500 + 2'000});  // the way back differs
  EXPECT_EQ(network.flight(0, 0), Nanoseconds{5'000});
}

TEST(SimNetwork, EachFlightDrawsTheNextJitterOfItsSeedsStream) {
  NetworkParams params;
  params.seed = 31;
  params.jitter_ns = Nanoseconds{2'000};
  const std::vector<ParticipantProfile> profiles{link(3'000, 2'000), link(4'500, 1'500)};
  SimNetwork network(params, profiles);
  SimNetwork twin(params, profiles);
  params.seed = 32;
  SimNetwork other(params, profiles);
  Nanoseconds least_jitter = params.jitter_ns;
  Nanoseconds most_jitter{0};
  bool differs_from_other_seed = false;
  for (std::uint64_t k = 0; k < 200; ++k) {
    const int from = static_cast<int>(k % 2);
    const Nanoseconds links = profiles[k % 2].uplink_ns + profiles[(k + 1) % 2].downlink_ns;
    const Nanoseconds expected = links + random_duration(31, RandomStream::jitter, k, params.jitter_ns);
    const Nanoseconds got = network.flight(from, 1 - from);
    EXPECT_EQ(got, expected) << k;
    EXPECT_GE(got, links) << k;
    EXPECT_LE(got, links + params.jitter_ns) << k;
    EXPECT_EQ(twin.flight(from, 1 - from), got) << "the same seed, the same flights";
    differs_from_other_seed = differs_from_other_seed || other.flight(from, 1 - from) != got;
    least_jitter = std::min(least_jitter, got - links);
    most_jitter = std::max(most_jitter, got - links);
  }
  EXPECT_LT(least_jitter, most_jitter) << "each message draws its own jitter";
  EXPECT_TRUE(differs_from_other_seed);
}

TEST(SimNetwork, CountsMessagesPerParticipantAndNamesTheBusiestLowestIdFirst) {
  SimNetwork network(NetworkParams{}, {link(1, 1), link(1, 1), link(1, 1), link(1, 1)});
  EXPECT_EQ(network.busiest(), (BusiestParticipant{0, 0}));
  network.count_message(2);
  network.count_message(3);
  network.count_message(3);
  EXPECT_EQ(network.messages_handled(2), 1);
  EXPECT_EQ(network.messages_handled(3), 2);
  EXPECT_EQ(network.messages_handled(0), 0);
  EXPECT_EQ(network.busiest(), (BusiestParticipant{3, 2}));
  network.count_message(1);
  network.count_message(1);
  EXPECT_EQ(network.busiest(), (BusiestParticipant{1, 2})) << "of equals, the lowest id";
}

}  // namespace
}  // namespace berkeley::sim
