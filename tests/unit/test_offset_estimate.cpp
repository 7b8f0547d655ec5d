#include <gtest/gtest.h>

#include "core/offset_estimate.hpp"

namespace berkeley {
namespace {

// A remote clock `offset` ahead of the local one; the request takes `out` and the reply `back`.
OffsetSample exchange(std::int64_t t_send, std::int64_t offset, std::int64_t out, std::int64_t back) {
  return OffsetSample{at_ns(t_send), at_ns(t_send + out + offset), at_ns(t_send + out + back)};
}

TEST(CristianEstimate, SymmetricDelayGivesTheExactOffset) {
  const OffsetEstimate e = cristian_estimate(exchange(1'000, 123'456, 50, 50));
  EXPECT_EQ(e.offset_ns, Nanoseconds{123'456});
  EXPECT_EQ(e.round_trip_ns, Nanoseconds{100});
  EXPECT_EQ(e.uncertainty_ns, Nanoseconds{50});
}

TEST(CristianEstimate, NegativeOffsetKeepsItsSign) {
  const OffsetEstimate e = cristian_estimate(exchange(5'000'000, -2'000'000, 30, 30));
  EXPECT_EQ(e.offset_ns, Nanoseconds{-2'000'000});
}

TEST(CristianEstimate, AsymmetricDelayErrsByHalfTheAsymmetryWithinTheBound) {
  // out 10, back 90: the midpoint assumption is 40 ns late, and the bound (half the round trip) holds it
  const OffsetEstimate e = cristian_estimate(exchange(0, 1'000, 10, 90));
  EXPECT_EQ(e.offset_ns, Nanoseconds{960});
  EXPECT_LE((e.offset_ns - Nanoseconds{1'000}).count(), e.uncertainty_ns.count());
  EXPECT_GE((e.offset_ns - Nanoseconds{1'000}).count(), -e.uncertainty_ns.count());
}

TEST(CristianEstimate, AnOddRoundTripStillCoversBothEndsOfTheInterval) {
  // read 1000 remotely within a 101 ns round trip from 0: the offset is proven within [899, 1000]
  const OffsetEstimate e = cristian_estimate(OffsetSample{at_ns(0), at_ns(1'000), at_ns(101)});
  EXPECT_EQ(e.offset_ns, Nanoseconds{950});
  EXPECT_EQ(e.uncertainty_ns, Nanoseconds{51});
  for (const std::int64_t offset : {899, 1'000}) {
    EXPECT_LE(std::abs((e.offset_ns - Nanoseconds{offset}).count()), e.uncertainty_ns.count()) << offset;
  }
}

TEST(CristianEstimate, LargeReadingsDoNotOverflow) {
  const std::int64_t near_max = std::numeric_limits<std::int64_t>::max() - 1'000;
  const OffsetEstimate e = cristian_estimate(exchange(near_max - 10'000, -5'000, 100, 100));
  EXPECT_EQ(e.offset_ns, Nanoseconds{-5'000});
}

}  // namespace
}  // namespace berkeley
