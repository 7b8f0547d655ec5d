#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "clock/simulated_clock.hpp"
#include "support/manual_clock.hpp"

namespace berkeley {
namespace {

using testing_support::ManualClock;
constexpr Nanoseconds kSecond{1'000'000'000};

TEST(DrawSimulatedClock, SameSeedAndRankGiveTheSameClock) {
  const auto a = draw_simulated_clock(7, 3, kSecond, 50.0);
  const auto b = draw_simulated_clock(7, 3, kSecond, 50.0);
  EXPECT_EQ(a.offset_ns, b.offset_ns);
  EXPECT_EQ(a.drift_ppm, b.drift_ppm);
}

TEST(DrawSimulatedClock, RanksAndSeedsDiffer) {
  std::set<std::int64_t> offsets;
  for (std::uint64_t rank = 0; rank < 64; ++rank)
    offsets.insert(draw_simulated_clock(7, rank, kSecond, 0).offset_ns.count());
  EXPECT_EQ(offsets.size(), 64U);
  EXPECT_NE(draw_simulated_clock(7, 0, kSecond, 0).offset_ns, draw_simulated_clock(8, 0, kSecond, 0).offset_ns);
}

TEST(DrawSimulatedClock, OffsetsAndDriftsCoverTheRangeAndStayInside) {
  std::int64_t low = 0;
  std::int64_t high = 0;
  double drift_low = 0;
  double drift_high = 0;
  for (std::uint64_t rank = 0; rank < 2'000; ++rank) {
    const auto p = draw_simulated_clock(1, rank, kSecond, 50.0);
    low = std::min(low, p.offset_ns.count());
    high = std::max(high, p.offset_ns.count());
    drift_low = std::min(drift_low, p.drift_ppm);
    drift_high = std::max(drift_high, p.drift_ppm);
  }
  EXPECT_GE(low, -kSecond.count());
  EXPECT_LE(high, kSecond.count());
  EXPECT_LT(low, -kSecond.count() * 99 / 100);  // uniform: 2000 draws reach the last percent on both sides
  EXPECT_GT(high, kSecond.count() * 99 / 100);
  EXPECT_GE(drift_low, -50.0);
  EXPECT_LE(drift_high, 50.0);
  EXPECT_LT(drift_low, -49.0);
  EXPECT_GT(drift_high, 49.0);
}

TEST(DrawSimulatedClock, ZeroRangesGivePerfectClocks) {
  const auto p = draw_simulated_clock(99, 5, Nanoseconds{0}, 0.0);
  EXPECT_EQ(p.offset_ns, Nanoseconds{0});
  EXPECT_EQ(p.drift_ppm, 0.0);
}

TEST(SimulatedClock, AddsOffsetAndDriftToTheReference) {
  ManualClock reference;
  const SimulatedClock clock(reference, SimulatedClockParams{Nanoseconds{-250}, 100.0}, at_ns(1'000));
  reference.set(at_ns(1'000));
  EXPECT_EQ(clock.now(), at_ns(750));  // at the anchor only the offset shows
  reference.set(at_ns(1'000) + kSecond);
  EXPECT_EQ(clock.now(), at_ns(1'000) + kSecond - Nanoseconds{250} + Nanoseconds{100'000});  // +100 ppm of 1 s
  EXPECT_EQ(clock.at_reference(at_ns(1'000) - kSecond), at_ns(1'000) - kSecond - Nanoseconds{250 + 100'000});
}

}  // namespace
}  // namespace berkeley
