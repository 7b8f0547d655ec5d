// Time types (core/time): int64 nanoseconds, clock readings that are time points (not durations), and the drift
// a rate in ppm gives over a time.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "core/time.hpp"

namespace berkeley {
namespace {

template <typename A, typename B>
concept Addable = requires(A a, B b) {
  a + b;
};

// a reading is not a duration, and two readings do not add: mix-ups do not compile
static_assert(!std::is_convertible_v<ClockReading, Nanoseconds>);
static_assert(!std::is_convertible_v<Nanoseconds, ClockReading>);
static_assert(!Addable<ClockReading, ClockReading>);
static_assert(Addable<ClockReading, Nanoseconds>);  // the concept itself can be true
static_assert(std::is_same_v<decltype(ClockReading{} - ClockReading{}), Nanoseconds>);
static_assert(std::is_same_v<decltype(ClockReading{} + Nanoseconds{}), ClockReading>);
// no double seconds: whole nanoseconds in 64 bits
static_assert(std::is_same_v<Nanoseconds::rep, std::int64_t>);
static_assert(std::is_same_v<Nanoseconds::period, std::nano>);

TEST(ClockReading, ConvertsToAndFromNanosecondsExactly) {
  for (const std::int64_t ns :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{1'700'000'000'123'456'789},
        std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    EXPECT_EQ(reading_ns(at_ns(ns)), ns);
    EXPECT_EQ(at_ns(ns).time_since_epoch(), Nanoseconds{ns});
  }
}

TEST(ClockReading, ReadingsSubtractToADurationAndMoveByOne) {
  const ClockReading earlier = at_ns(1'000);
  const ClockReading later = at_ns(4'500);
  EXPECT_EQ(later - earlier, Nanoseconds{3'500});
  EXPECT_EQ(earlier - later, Nanoseconds{-3'500});
  EXPECT_EQ(earlier + Nanoseconds{3'500}, later);
  EXPECT_LT(earlier, later);
}

TEST(DriftOver, ElapsedTimesRateInPpm) {
  EXPECT_EQ(drift_over(Nanoseconds{1'000'000'000}, 1.0), Nanoseconds{1'000});
  EXPECT_EQ(drift_over(Nanoseconds{1'000'000'000}, -20.0), Nanoseconds{-20'000});
  EXPECT_EQ(drift_over(Nanoseconds{std::chrono::hours(1)}, 500.0), Nanoseconds{1'800'000'000});
  EXPECT_EQ(drift_over(Nanoseconds{-2'000'000'000}, 3.0), Nanoseconds{-6'000});
  EXPECT_EQ(drift_over(Nanoseconds{123'456'789}, 0.0), Nanoseconds{0});
  EXPECT_EQ(drift_over(Nanoseconds{0}, 500.0), Nanoseconds{0});
}

TEST(DriftOver, RoundsToTheNearestNanosecond) {
  EXPECT_EQ(drift_over(Nanoseconds{1'400'000}, 1.0), Nanoseconds{1});    // 1.4 ns
  EXPECT_EQ(drift_over(Nanoseconds{1'600'000}, 1.0), Nanoseconds{2});    // 1.6 ns
  EXPECT_EQ(drift_over(Nanoseconds{1'600'000}, -1.0), Nanoseconds{-2});  // -1.6 ns: not truncated towards zero
  EXPECT_EQ(drift_over(Nanoseconds{400'000}, 1.0), Nanoseconds{0});      // 0.4 ns
}

TEST(MaxRelativeRate, IsTwoClocksEachWithin500Ppm) {
  // the bound between two clocks, each within 500 ppm of true time, over one second
  EXPECT_EQ(drift_over(Nanoseconds{1'000'000'000}, 500.0) - drift_over(Nanoseconds{1'000'000'000}, -500.0),
            Nanoseconds{static_cast<std::int64_t>(kMaxRelativeRate * 1e9)});
}

}  // namespace
}  // namespace berkeley
