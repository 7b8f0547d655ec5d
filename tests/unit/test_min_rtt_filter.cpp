#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

#include "core/min_rtt_filter.hpp"

namespace berkeley {
namespace {

constexpr std::int64_t kOffset = 7'777;

OffsetSample exchange(std::int64_t t_send, std::int64_t out, std::int64_t back) {
  return OffsetSample{at_ns(t_send), at_ns(t_send + out + kOffset), at_ns(t_send + out + back)};
}

TEST(MinRttFilter, PicksTheExchangeWithTheSmallestRoundTrip) {
  MinRttFilter filter(PingPongPolicy{16, 16, 0.05, {}});
  filter.add(exchange(0, 500, 100));      // queued request: offset estimate 200 ns off
  filter.add(exchange(1'000, 20, 20));    // the clean one
  filter.add(exchange(2'000, 30, 900));   // queued reply
  filter.add(exchange(3'000, 400, 400));  // slow but symmetric
  const PeerEstimate e = filter.estimate();
  EXPECT_EQ(e.best.round_trip_ns, Nanoseconds{40});
  EXPECT_EQ(e.best.offset_ns, Nanoseconds{kOffset});
  EXPECT_EQ(e.samples_used, 4);
}

TEST(MinRttFilter, TheFirstSampleIsRoundTripCompensatedToo) {
  MinRttFilter filter;
  filter.add(exchange(0, 300, 300));
  // a filter that skipped compensation on the first sample would report t_remote − t_send = offset + 300
  EXPECT_EQ(filter.estimate().best.offset_ns, Nanoseconds{kOffset});
}

TEST(MinRttFilter, StopsOnceTheMinimumIsConfirmed) {
  MinRttFilter filter(PingPongPolicy{16, 4, 0.05, {}});
  EXPECT_FALSE(filter.add(exchange(0, 50, 50)));
  EXPECT_FALSE(filter.add(exchange(1'000, 51, 51)));  // confirms, but fewer than min_exchanges so far
  EXPECT_FALSE(filter.add(exchange(2'000, 300, 300)));
  EXPECT_TRUE(filter.add(exchange(3'000, 400, 400)));
}

TEST(MinRttFilter, KeepsGoingWhileTheMinimumIsUnconfirmed) {
  MinRttFilter filter(PingPongPolicy{6, 2, 0.05, {}});
  EXPECT_FALSE(filter.add(exchange(0, 500, 500)));
  EXPECT_FALSE(filter.add(exchange(1'000, 100, 100)));  // new best: nothing near it yet
  EXPECT_FALSE(filter.add(exchange(2'000, 200, 200)));
  EXPECT_TRUE(filter.add(exchange(3'000, 102, 102)));  // within 5 % of 200 ns
  EXPECT_EQ(filter.estimate().best.round_trip_ns, Nanoseconds{200});
}

TEST(MinRttFilter, NeverExceedsTheMaximum) {
  MinRttFilter filter(PingPongPolicy{3, 3, 0.0, {}});
  filter.add(exchange(0, 100, 100));
  filter.add(exchange(1'000, 90, 90));
  EXPECT_TRUE(filter.add(exchange(2'000, 80, 80)));
  EXPECT_EQ(filter.estimate().median_round_trip_ns, Nanoseconds{180});
}

TEST(MinRttFilter, AveragesTheExchangesNearTheBestAndBoundsTheMeanByWhereTheyMeet) {
  MinRttFilter filter;                  // average_within 25 %
  filter.add(exchange(0, 30, 10));      // round trip 40, best (the first of equals): offset estimate +10
  filter.add(exchange(1'000, 10, 30));  // -10
  filter.add(exchange(2'000, 20, 20));  // 0
  filter.add(exchange(3'000, 50, 5));   // round trip 55: beyond 25 % of 40, left out (+23)
  const PeerEstimate e = filter.estimate();
  EXPECT_EQ(e.best.offset_ns, Nanoseconds{kOffset});  // the best alone: kOffset + 10
  EXPECT_EQ(e.averaged_exchanges, 3);
  // the three intervals (±20, widened by 1 and 2 ns for being 1 and 2 us from the best) meet in
  // [kOffset - 10, kOffset + 11]
  EXPECT_EQ(e.best.uncertainty_ns, Nanoseconds{11});
  EXPECT_EQ(e.best.round_trip_ns, Nanoseconds{40});
  EXPECT_EQ(e.best.local_midpoint_ns, at_ns(20));  // the best exchange's: what the offset refers to
}

TEST(MinRttFilter, WithoutAveragingTheBestExchangeAloneGivesTheOffset) {
  PingPongPolicy policy;
  policy.average_within = 0.0;
  MinRttFilter filter(policy);
  filter.add(exchange(0, 30, 10));
  filter.add(exchange(1'000, 10, 30));
  const PeerEstimate e = filter.estimate();
  EXPECT_EQ(e.best.offset_ns, Nanoseconds{kOffset + 10});
  EXPECT_EQ(e.best.uncertainty_ns, Nanoseconds{20});
  EXPECT_EQ(e.averaged_exchanges, 1);
}

TEST(MinRttFilter, ExchangesWhoseIntervalsDoNotMeetAreNotAveraged) {
  MinRttFilter filter;
  filter.add(exchange(0, 20, 20));
  // the remote clock jumped 1 us between the two: the intervals are 1 us apart, no rate explains that
  filter.add(OffsetSample{at_ns(1'000), at_ns(1'000 + 20 + kOffset + 1'000), at_ns(1'040)});
  const PeerEstimate e = filter.estimate();
  EXPECT_EQ(e.best.offset_ns, Nanoseconds{kOffset});
  EXPECT_EQ(e.best.uncertainty_ns, Nanoseconds{20});
}

TEST(MinRttFilter, TheAveragedEstimateHoldsTheTruthOfDriftingClocksAndBeatsTheBestAlone) {
  // 1000 peers, each a clock of a random offset and a rate within 500 ppm, measured by 16 exchanges of
  // random asymmetric delays; the truth is the peer's offset at the best exchange's local midpoint
  std::mt19937_64 random(20261205);
  std::uniform_int_distribution<std::int64_t> delay(300, 700);
  std::uniform_real_distribution<double> rate(-500e-6, 500e-6);
  double error_averaged = 0.0;
  double error_best = 0.0;
  for (int trial = 0; trial < 1000; ++trial) {
    const std::int64_t offset = delay(random) * 1'000 - 500'000;
    const double r = rate(random);
    auto remote_at = [&](double master_ns) {
      return static_cast<std::int64_t>(std::llround(master_ns * (1.0 + r))) + offset;
    };
    MinRttFilter averaged;
    PingPongPolicy alone_policy;
    alone_policy.average_within = 0.0;
    MinRttFilter alone(alone_policy);
    std::int64_t t = 1'000'000;
    for (int i = 0; i < 16; ++i) {
      const std::int64_t out = delay(random);
      const std::int64_t back = delay(random);
      const OffsetSample s{at_ns(t), at_ns(remote_at(static_cast<double>(t + out))), at_ns(t + out + back)};
      averaged.add(s);
      alone.add(s);
      t += 2'000;
    }
    const PeerEstimate a = averaged.estimate();
    const PeerEstimate b = alone.estimate();
    ASSERT_EQ(a.best.local_midpoint_ns, b.best.local_midpoint_ns);
    const double at = static_cast<double>(reading_ns(a.best.local_midpoint_ns));
    const std::int64_t truth = remote_at(at) - reading_ns(a.best.local_midpoint_ns);
    const std::int64_t error = std::llabs(a.best.offset_ns.count() - truth);
    ASSERT_LE(error, a.best.uncertainty_ns.count() + 1) << "trial " << trial;  // +1: the truth's rounding
    error_averaged += static_cast<double>(error);
    error_best += static_cast<double>(std::llabs(b.best.offset_ns.count() - truth));
  }
  EXPECT_LT(error_averaged, 0.8 * error_best);
}

TEST(MinRttFilter, RejectsBadUse) {
  EXPECT_THROW(MinRttFilter(PingPongPolicy{0, 0, 0.0, {}}), std::invalid_argument);
  EXPECT_THROW((void)MinRttFilter().estimate(), std::logic_error);
}

}  // namespace
}  // namespace berkeley
