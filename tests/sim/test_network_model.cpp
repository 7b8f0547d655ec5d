// The delay model's draws: each participant's link and clock depend only on (seed, id), and the fractions
// and ranges are the ones asked for.
#include <gtest/gtest.h>

#include "transport/sim/network_model.hpp"
#include "transport/sim/sim_network.hpp"

namespace berkeley::sim {
namespace {

NetworkParams model() {
  NetworkParams p;
  p.seed = 42;
  p.latency_ns = Nanoseconds{5'000};
  p.asymmetry_ns = Nanoseconds{2'000};
  p.slow_fraction = 0.05;
  p.slow_delay_ns = Nanoseconds{100'000};
  p.silent_fraction = 0.02;
  return p;
}

TEST(DrawParticipant, DependsOnlyOnSeedAndIdNotOnTheNumberOfParticipants) {
  const SimNetwork small(model(), 100);
  const SimNetwork large(model(), 5'000);
  for (const int id : {0, 1, 17, 99}) {
    EXPECT_EQ(small.profile(id).uplink_ns, large.profile(id).uplink_ns) << id;
    EXPECT_EQ(small.profile(id).downlink_ns, large.profile(id).downlink_ns) << id;
    EXPECT_EQ(small.profile(id).clock.offset_ns, large.profile(id).clock.offset_ns) << id;
    EXPECT_EQ(small.profile(id).silent, large.profile(id).silent) << id;
  }
  NetworkParams other = model();
  other.seed = 43;
  EXPECT_NE(draw_participant(model(), 5).clock.offset_ns, draw_participant(other, 5).clock.offset_ns);
  EXPECT_NE(draw_participant(model(), 5).uplink_ns, draw_participant(other, 5).uplink_ns);
}

TEST(DrawParticipant, LinksAreAsymmetricWithinTheBoundAndAddUpToTheLatency) {
  const NetworkParams params = model();
  bool uplink_longer = false;
  bool downlink_longer = false;
  for (std::uint64_t id = 0; id < 2'000; ++id) {
    const ParticipantProfile p = draw_participant(params, id);
    const Nanoseconds slow = p.slow ? params.slow_delay_ns : Nanoseconds{0};
    EXPECT_EQ(p.uplink_ns + p.downlink_ns, params.latency_ns + 2 * slow) << id;
    const Nanoseconds difference = p.uplink_ns - p.downlink_ns;
    EXPECT_LE(difference, params.asymmetry_ns + Nanoseconds{1}) << id;  // +1: the odd nanosecond of a halved value
    EXPECT_GE(difference, -params.asymmetry_ns - Nanoseconds{1}) << id;
    uplink_longer = uplink_longer || difference > params.asymmetry_ns / 2;
    downlink_longer = downlink_longer || difference < -params.asymmetry_ns / 2;
  }
  EXPECT_TRUE(uplink_longer);
  EXPECT_TRUE(downlink_longer);
}

TEST(DrawParticipant, SlowAndSilentFractionsAreMetAndTheMasterAlwaysAnswers) {
  const NetworkParams params = model();
  const int draws = 20'000;
  int slow = 0;
  int silent = 0;
  for (int id = 0; id < draws; ++id) {
    const ParticipantProfile p = draw_participant(params, static_cast<std::uint64_t>(id));
    slow += p.slow ? 1 : 0;
    silent += p.silent ? 1 : 0;
  }
  EXPECT_NEAR(static_cast<double>(slow) / draws, params.slow_fraction, 0.006);
  EXPECT_NEAR(static_cast<double>(silent) / draws, params.silent_fraction, 0.004);

  NetworkParams all_silent = params;
  all_silent.silent_fraction = 1.0;
  EXPECT_FALSE(draw_participant(all_silent, 0).silent);
  EXPECT_TRUE(draw_participant(all_silent, 1).silent);
}

}  // namespace
}  // namespace berkeley::sim
