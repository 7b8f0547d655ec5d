#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/collective_exchanges.hpp"

namespace berkeley {
namespace {

ClockReading at(std::int64_t ns) { return at_ns(ns); }

// Member clock = master clock + kOffset. On the master's time line an exchange starts at `start`: the
// member reads, the gather reaches the master `up` later, the scatter reaches the member `down` after that.
constexpr std::int64_t kOffset = 123'456;
void exchange(ExchangeIntersection& interval, std::int64_t start, std::int64_t up, std::int64_t down) {
  interval.add(at(start + kOffset), at(start + up), at(start + up + down + kOffset));
}

TEST(ExchangeIntersection, ALateArrivalBoundsFromBelowAnEarlyDepartureFromAbove) {
  ExchangeIntersection interval;
  EXPECT_FALSE(interval.has_value());
  exchange(interval, 0, 20'000, 1'000);       // early into the gather: a loose lower bound, a tight upper one
  exchange(interval, 30'000, 1'000, 20'000);  // last into it, last out of the scatter: the reverse
  ASSERT_TRUE(interval.has_value());
  EXPECT_EQ(interval.exchanges(), 2);
  // each exchange alone is 21 µs wide; together 2 µs, widened by 1000 ppm of the 51 µs round (51 ns each side)
  EXPECT_EQ(interval.lower_ns(), Nanoseconds{kOffset - 1'000 - 51});
  EXPECT_EQ(interval.upper_ns(), Nanoseconds{kOffset + 1'000 + 51});
  EXPECT_EQ(interval.narrowest_round_trip_ns(), Nanoseconds{21'000});
}

TEST(ExchangeIntersection, AlwaysHoldsTheTruthOfClocksThatDriftWithinTheAssumedRate) {
  std::mt19937_64 random(42);
  std::uniform_int_distribution<std::int64_t> leg(50, 40'000);
  std::uniform_real_distribution<double> rate(-kMaxRelativeRate, kMaxRelativeRate);
  for (int trial = 0; trial < 1000; ++trial) {
    const double drift = rate(random);  // member runs at (1 + drift) against the master
    const auto member = [&](std::int64_t master_ns) {
      return at(kOffset + master_ns + static_cast<std::int64_t>(std::llround(drift * static_cast<double>(master_ns))));
    };
    ExchangeIntersection interval;
    std::int64_t t = 0;
    for (int e = 0; e < 8; ++e) {
      const std::int64_t up = leg(random);
      const std::int64_t down = leg(random);
      interval.add(member(t), at(t + up), member(t + up + down));
      // the offset at any master instant of the round so far is inside
      for (const std::int64_t instant : {std::int64_t{0}, t + up}) {
        const Nanoseconds truth = member(instant) - at(instant);
        ASSERT_LE(interval.lower_ns(), truth) << "trial " << trial << " exchange " << e;
        ASSERT_GE(interval.upper_ns(), truth) << "trial " << trial << " exchange " << e;
      }
      t += up + down + leg(random);
    }
  }
}

TEST(ExchangeIntersection, AnEmptyIntersectionFallsBackToTheNarrowestExchange) {
  ExchangeIntersection interval;
  interval.add(at(0), at(100), at(200));        // offset in [-100, 100]
  interval.add(at(1'000), at(500), at(1'010));  // offset in [500, 510]: disjoint, a broken clock
  EXPECT_EQ(interval.lower_ns(), Nanoseconds{500});
  EXPECT_EQ(interval.upper_ns(), Nanoseconds{510});
}

TEST(IntervalEstimate, TheMidpointWithinItsRoundedUpUncertaintyOfBothEnds) {
  const OffsetEstimate e = interval_estimate(Nanoseconds{-10}, Nanoseconds{11}, Nanoseconds{400}, at(777));
  EXPECT_EQ(e.offset_ns, Nanoseconds{0});
  EXPECT_EQ(e.uncertainty_ns, Nanoseconds{11});  // 21 wide: both ends within 11 of the midpoint
  EXPECT_EQ(e.round_trip_ns, Nanoseconds{400});
  EXPECT_EQ(e.local_midpoint_ns, at(777));
}

TEST(ExchangeSettling, GoesOnWhileTheWidestIntervalNarrowsAndStopsWhenItStalls) {
  ExchangeSettling settling(CollectiveExchangePolicy{8, 0.1});
  EXPECT_FALSE(settling.settled(1, Nanoseconds{60'000}));  // never on the first alone
  EXPECT_FALSE(settling.settled(2, Nanoseconds{5'000}));   // narrowed by 92 %
  EXPECT_FALSE(settling.settled(3, Nanoseconds{4'000}));   // by 20 %
  EXPECT_TRUE(settling.settled(4, Nanoseconds{3'700}));    // by 7.5 % < 10 %
}

TEST(ExchangeSettling, NeverBeforeTheThirdExchangeEvenWhenStalled) {
  ExchangeSettling settling(CollectiveExchangePolicy{8, 0.1});
  EXPECT_FALSE(settling.settled(1, Nanoseconds{90'000}));
  EXPECT_FALSE(settling.settled(2, Nanoseconds{90'000}));  // the second often still carries the first's wake-up
  EXPECT_TRUE(settling.settled(3, Nanoseconds{90'000}));
}

TEST(ExchangeSettling, StopsAtTheLimitEvenWhileNarrowing) {
  ExchangeSettling settling(CollectiveExchangePolicy{3, 0.1});
  EXPECT_FALSE(settling.settled(1, Nanoseconds{1'000'000}));
  EXPECT_FALSE(settling.settled(2, Nanoseconds{100'000}));
  EXPECT_TRUE(settling.settled(3, Nanoseconds{10'000}));
}

TEST(ExchangeSettling, OneExchangeOrNoMemberSettlesAtOnce) {
  ExchangeSettling one(CollectiveExchangePolicy{1, 0.1});
  EXPECT_TRUE(one.settled(1, Nanoseconds{50'000}));
  ExchangeSettling alone(CollectiveExchangePolicy{8, 0.1});
  EXPECT_TRUE(alone.settled(0, Nanoseconds{0}));
}

TEST(ExchangeSettling, ResetForgetsThePreviousRound) {
  ExchangeSettling settling(CollectiveExchangePolicy{8, 0.1});
  EXPECT_FALSE(settling.settled(1, Nanoseconds{10'000}));
  EXPECT_FALSE(settling.settled(2, Nanoseconds{5'000}));
  settling.reset();
  // without the reset, 5'000 → 4'900 would have settled
  EXPECT_FALSE(settling.settled(1, Nanoseconds{4'900}));
  EXPECT_FALSE(settling.settled(2, Nanoseconds{4'000}));
}

}  // namespace
}  // namespace berkeley
