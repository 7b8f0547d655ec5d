#include <gtest/gtest.h>

#include "core/min_rtt_filter.hpp"

namespace berkeley {
namespace {

constexpr std::int64_t kOffset = 7'777;

OffsetSample exchange(std::int64_t t_send, std::int64_t out, std::int64_t back) {
  return OffsetSample{Nanoseconds{t_send}, Nanoseconds{t_send + out + kOffset}, Nanoseconds{t_send + out + back}};
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

TEST(MinRttFilter, RejectsBadUse) {
  EXPECT_THROW(MinRttFilter(PingPongPolicy{0, 0, 0.0, {}}), std::invalid_argument);
  EXPECT_THROW((void)MinRttFilter().estimate(), std::logic_error);
}

}  // namespace
}  // namespace berkeley
