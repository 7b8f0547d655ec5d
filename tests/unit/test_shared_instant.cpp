#include <gtest/gtest.h>

#include "clock/monotonic_clock.hpp"
#include "clock/shared_instant.hpp"
#include "clock/simulated_clock.hpp"

namespace berkeley {
namespace {

TEST(ReadAtInstant, GivesTheClocksValueAtTheInstantWithinTheReadWindow) {
  const MonotonicClock reference;
  const SimulatedClock clock(reference, SimulatedClockParams{Nanoseconds{-123'456'789}, 0.0}, reference.now());
  const ClockReading instant = reference.now() + Nanoseconds{2'000'000};
  const InstantReading reading = read_at_instant(clock, reference, instant);
  const Nanoseconds error = reading.clock_ns - clock.at_reference(instant);
  EXPECT_LE(reading.read_window_ns, Nanoseconds{1'000'000});
  EXPECT_LE(std::abs(error.count()), reading.read_window_ns.count());
  EXPECT_GE(reference.now(), instant);  // it waited for the instant
}

TEST(ReadAtInstant, APastInstantIsExtrapolatedBack) {
  const MonotonicClock reference;
  const SimulatedClock clock(reference, SimulatedClockParams{Nanoseconds{5'000}, 0.0}, reference.now());
  const ClockReading instant = reference.now() - Nanoseconds{1'000'000};
  const InstantReading reading = read_at_instant(clock, reference, instant);
  EXPECT_LE(std::abs((reading.clock_ns - clock.at_reference(instant)).count()), reading.read_window_ns.count());
}

}  // namespace
}  // namespace berkeley
