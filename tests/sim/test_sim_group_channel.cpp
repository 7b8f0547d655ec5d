// SimGroupChannel against the delay model worked out by hand: the exact sample of one round trip for known
// links, the gather's serial fan-in, the timeout of a silent member, and the message counts.
#include <gtest/gtest.h>

#include <numeric>

#include "sync/measure.hpp"
#include "transport/sim/sim_group_channel.hpp"

namespace berkeley::sim {
namespace {

constexpr Nanoseconds kCost{1'000};
constexpr Nanoseconds kTimeout{1'000'000};

NetworkParams no_jitter() {
  NetworkParams p;
  p.jitter_ns = Nanoseconds{0};
  p.message_cost_ns = kCost;
  p.timeout_ns = kTimeout;
  return p;
}

ParticipantProfile link(std::int64_t uplink_ns, std::int64_t downlink_ns, std::int64_t offset_ns,
                        double drift_ppm = 0) {
  ParticipantProfile p;
  p.uplink_ns = Nanoseconds{uplink_ns};
  p.downlink_ns = Nanoseconds{downlink_ns};
  p.clock = SimulatedClockParams{Nanoseconds{offset_ns}, drift_ppm};
  return p;
}

ParticipantProfile silent() {
  ParticipantProfile p = link(2'500, 2'500, 0);
  p.silent = true;
  return p;
}

std::vector<int> first(int n) {
  std::vector<int> ids(static_cast<std::size_t>(n));
  std::iota(ids.begin(), ids.end(), 0);
  return ids;
}

TEST(SimGroupChannelExchange, GivesTheSampleTheDelayModelPredictsForAsymmetricLinks) {
  // master: up 3 µs, down 2 µs; member: up 4.5 µs, down 1.5 µs, clock 7 ms ahead
  // out = 3 + 1.5 = 4.5 µs, back = 4.5 + 2 = 6.5 µs; the member reads after c + out + c
  SimNetwork network(no_jitter(), {link(3'000, 2'000, 0), link(4'500, 1'500, 7'000'000)});
  SimGroupChannel channel(network, {0, 1}, kSimulationStart);
  const std::optional<OffsetSample> sample = channel.exchange(1);
  ASSERT_TRUE(sample.has_value());
  EXPECT_EQ(sample->t_send_ns, at_ns(0));
  EXPECT_EQ(sample->t_remote_ns, at_ns(7'000'000 + 1'000 + 4'500 + 1'000));
  EXPECT_EQ(sample->t_recv_ns, at_ns(4 * 1'000 + 4'500 + 6'500));
  EXPECT_EQ(channel.now(), kSimulationStart + Nanoseconds{15'000});
  // Cristian is off by half the asymmetry, (out − back) / 2 = −1 µs, and says so within its bound
  const OffsetEstimate e = cristian_estimate(*sample);
  EXPECT_EQ(e.offset_ns, Nanoseconds{7'000'000 - 1'000});
  EXPECT_EQ(e.uncertainty_ns, Nanoseconds{7'500});
  EXPECT_EQ(network.messages_handled(0), 2);
  EXPECT_EQ(network.messages_handled(1), 2);
}

TEST(SimGroupChannelExchange, ReadsTheMastersOwnDriftingClockAndKeepsItsOwnTime) {
  // master drifts +50 ppm; the group starts 2 s into the simulation
  SimNetwork network(no_jitter(), {link(2'500, 2'500, 1'000, 50.0), link(2'500, 2'500, 0)});
  const TrueInstant start = kSimulationStart + Nanoseconds{2'000'000'000};
  SimGroupChannel channel(network, {0, 1}, start);
  const std::optional<OffsetSample> sample = channel.exchange(1);
  ASSERT_TRUE(sample.has_value());
  EXPECT_EQ(sample->t_send_ns, perfect_reading(start) + Nanoseconds{1'000 + 100'000});  // offset + 50 ppm of 2 s
  EXPECT_EQ(sample->t_remote_ns, perfect_reading(start) + Nanoseconds{2'000 + 5'000});
  EXPECT_EQ(channel.now(), start + Nanoseconds{14'000});
}

TEST(SimGroupChannelExchange, JitterLengthensRoundTripsWithinItsBoundAndVaries) {
  NetworkParams params = no_jitter();
  params.jitter_ns = Nanoseconds{2'000};
  SimNetwork network(params, {link(2'500, 2'500, 0), link(2'500, 2'500, 0)});
  SimGroupChannel channel(network, {0, 1}, kSimulationStart);
  const Nanoseconds base = 4 * kCost + Nanoseconds{10'000};
  Nanoseconds shortest = Nanoseconds::max();
  Nanoseconds longest{0};
  for (int i = 0; i < 200; ++i) {
    const Nanoseconds rtt = channel.exchange(1)->round_trip();
    shortest = std::min(shortest, rtt);
    longest = std::max(longest, rtt);
  }
  EXPECT_GE(shortest, base);
  EXPECT_LE(longest, base + 2 * params.jitter_ns);
  EXPECT_GT(longest - shortest, params.jitter_ns);  // two draws per round trip: the spread is wide
}

TEST(SimGroupChannelExchange, ASilentMemberCostsTheTimeoutAndHandlesNothing) {
  SimNetwork network(no_jitter(), {link(2'500, 2'500, 0), silent()});
  SimGroupChannel channel(network, {0, 1}, kSimulationStart);
  EXPECT_FALSE(channel.exchange(1).has_value());
  EXPECT_EQ(channel.now(), kSimulationStart + (kCost + kTimeout));  // the request left after c, then the wait
  EXPECT_EQ(network.messages_handled(0), 1);
  EXPECT_EQ(network.messages_handled(1), 0);
}

TEST(SimGroupChannelExchange, AReplyLaterThanTheTimeoutIsGivenUp) {
  NetworkParams params = no_jitter();
  params.timeout_ns = Nanoseconds{50'000};
  // a member 30 µs away each way: the reply arrives 62 µs after the request left
  SimNetwork network(params, {link(2'500, 2'500, 0), link(27'500, 27'500, 0)});
  SimGroupChannel channel(network, {0, 1}, kSimulationStart);
  EXPECT_FALSE(channel.exchange(1).has_value());
  EXPECT_EQ(channel.now(), kSimulationStart + (kCost + params.timeout_ns));
  EXPECT_EQ(network.messages_handled(0), 1);  // the late reply is never handled by the master
}

TEST(SimGroupChannelPingpong, LeavesOutASilentMemberAfterOneTimeout) {
  SimNetwork network(no_jitter(), {link(2'500, 2'500, 0), link(2'500, 2'500, 40), silent(), link(2'500, 2'500, -90)});
  SimGroupChannel channel(network, first(4), kSimulationStart);
  const GroupEstimates e = measure_pingpong(channel, PingPongPolicy{16, 4, 0.05, {}});
  ASSERT_TRUE(e[1].has_value());
  ASSERT_TRUE(e[3].has_value());
  EXPECT_FALSE(e[2].has_value());
  EXPECT_EQ(e[1]->best.offset_ns, Nanoseconds{40});
  EXPECT_EQ(e[3]->best.offset_ns, Nanoseconds{-90});
  // no jitter: every round trip is the same, so the filter settles after its minimum of 4 exchanges;
  // each answered member: 4 exchanges of 14 µs and a release (c); the silent one: c + timeout and a release
  const Nanoseconds round_trip = 4 * kCost + Nanoseconds{10'000};
  EXPECT_EQ(channel.now(), kSimulationStart + (2 * (4 * round_trip + kCost) + (kCost + kTimeout + kCost)));
  EXPECT_EQ(network.messages_handled(2), 0);
  EXPECT_EQ(network.messages_handled(1), 4 * 2 + 1);
  EXPECT_EQ(network.messages_handled(0), 2 * (4 * 2 + 1) + 2);
}

class SimGroupChannelGather : public ::testing::TestWithParam<int> {};

TEST_P(SimGroupChannelGather, TheMastersIntervalGrowsWithTheNumberOfMembers) {
  const int participants = GetParam();
  std::vector<ParticipantProfile> profiles;
  for (int id = 0; id < participants; ++id) profiles.push_back(link(2'500, 2'500, 1'000 * id));
  SimNetwork network(no_jitter(), profiles);
  SimGroupChannel channel(network, first(participants), kSimulationStart);
  CollectiveReadings got;
  channel.request_all(got);
  // requests leave at k·c (k = 1..p−1); reply k arrives at k·c + 2c + 2L, one c after the previous one.
  // The master handles none before its last request is out, at (p−1)·c, then one per c: it is done at
  // the later of 2(p−1)·c (the replies queued up meanwhile) and (p−1)·c + 3c + 2L (they had not)
  const auto members = static_cast<std::int64_t>(participants - 1);
  const Nanoseconds queued = 2 * members * kCost;
  const Nanoseconds not_queued = members * kCost + 3 * kCost + Nanoseconds{10'000};
  EXPECT_EQ(got.t_send_ns, at_ns(0));
  EXPECT_EQ(got.t_recv_ns, perfect_reading(kSimulationStart + std::max(queued, not_queued)));
  if (participants >= 100) {
    EXPECT_EQ(got.t_recv_ns, perfect_reading(kSimulationStart + queued))
        << "the fan-in dominates: the interval is 2(p-1)c";
  }
  for (std::size_t m = 1; m < got.readings_ns.size(); ++m) {
    ASSERT_TRUE(got.readings_ns[m].has_value());
    // member m read its clock at m·c + L + c
    const auto k = static_cast<std::int64_t>(m);
    EXPECT_EQ(*got.readings_ns[m], at_ns(1'000 * k) + k * kCost + Nanoseconds{5'000} + kCost) << m;
  }
  EXPECT_EQ(network.messages_handled(0), 2 * members);
  EXPECT_EQ(network.messages_handled(participants - 1), 2);
}

INSTANTIATE_TEST_SUITE_P(Sizes, SimGroupChannelGather, ::testing::Values(2, 10, 100));

TEST(SimGroupChannelGather, WaitsForASilentMembersDeadlineAndLeavesItOut) {
  SimNetwork network(no_jitter(), {link(2'500, 2'500, 0), link(2'500, 2'500, 0), silent(), link(2'500, 2'500, 0)});
  SimGroupChannel channel(network, first(4), kSimulationStart);
  CollectiveReadings got;
  channel.request_all(got);
  EXPECT_TRUE(got.readings_ns[1].has_value());
  EXPECT_FALSE(got.readings_ns[2].has_value());
  EXPECT_TRUE(got.readings_ns[3].has_value());
  EXPECT_EQ(got.t_recv_ns,
            perfect_reading(kSimulationStart + 2 * kCost + kTimeout));  // the silent member's request left at 2c
  EXPECT_EQ(network.messages_handled(0), 3 + 2);
}

}  // namespace
}  // namespace berkeley::sim
