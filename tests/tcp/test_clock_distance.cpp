// within() (transport/tcp/clock_distance.hpp): whether a peer's reading is close enough to ours to be used.
// The limit is inclusive, the distance symmetric, and no pair of readings overflows it.
#include <gtest/gtest.h>

#include <limits>

#include "transport/tcp/clock_distance.hpp"
#include "transport/tcp/protocol.hpp"

namespace berkeley::tcp {
namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

TEST(ClockDistance, TheLimitIsInclusiveInBothDirections) {
  EXPECT_TRUE(within(at_ns(100), at_ns(100), Nanoseconds{0}));
  EXPECT_FALSE(within(at_ns(101), at_ns(100), Nanoseconds{0}));
  EXPECT_TRUE(within(at_ns(105), at_ns(100), Nanoseconds{5}));
  EXPECT_TRUE(within(at_ns(95), at_ns(100), Nanoseconds{5}));
  EXPECT_FALSE(within(at_ns(106), at_ns(100), Nanoseconds{5}));
  EXPECT_FALSE(within(at_ns(94), at_ns(100), Nanoseconds{5}));
  EXPECT_TRUE(within(at_ns(-3), at_ns(4), Nanoseconds{7}));
  EXPECT_FALSE(within(at_ns(-3), at_ns(5), Nanoseconds{7}));
}

TEST(ClockDistance, TheProtocolsOffsetLimit) {
  const ClockReading master = at_ns(1'000'000'000);
  EXPECT_TRUE(within(master + kMaxClockOffset, master, kMaxClockOffset));
  EXPECT_TRUE(within(master - kMaxClockOffset, master, kMaxClockOffset));
  EXPECT_FALSE(within(master + kMaxClockOffset + Nanoseconds{1}, master, kMaxClockOffset));
  EXPECT_FALSE(within(master - kMaxClockOffset - Nanoseconds{1}, master, kMaxClockOffset));
}

// Distances up to 2^64 - 1: computed without overflow, and never mistaken for a small one.
TEST(ClockDistance, ExtremeReadingsDoNotOverflow) {
  const Nanoseconds widest{kMax};
  EXPECT_FALSE(within(at_ns(kMax), at_ns(kMin), widest));
  EXPECT_FALSE(within(at_ns(kMin), at_ns(kMax), widest));
  EXPECT_FALSE(within(at_ns(kMax), at_ns(-1), widest));  // 2^63 apart: one more than the widest limit
  EXPECT_TRUE(within(at_ns(kMax), at_ns(0), widest));    // exactly the widest limit
  EXPECT_TRUE(within(at_ns(kMin + 1), at_ns(0), widest));
  EXPECT_FALSE(within(at_ns(kMin), at_ns(0), widest));
  EXPECT_FALSE(within(at_ns(kMin), at_ns(1), kMaxClockOffset));
  EXPECT_TRUE(within(at_ns(kMin), at_ns(kMin), Nanoseconds{0}));
}

}  // namespace
}  // namespace berkeley::tcp
