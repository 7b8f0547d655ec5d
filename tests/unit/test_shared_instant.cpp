#include <gtest/gtest.h>

#include "clock/monotonic_clock.hpp"
#include "clock/shared_instant.hpp"
#include "clock/simulated_clock.hpp"

namespace berkeley {
namespace {

TEST(ReadAtInstant, GivesTheClocksValueAtTheInstantWithinTheReadWindow) {
  const MonotonicClock reference;
  const MonotonicClock source;  // not the reference object: read, not computed
  const SimulatedClock clock(source, SimulatedClockParams{Nanoseconds{-123'456'789}, 0.0}, reference.now());
  const ClockReading instant = reference.now() + Nanoseconds{2'000'000};
  const InstantReading reading = read_at_instant(clock, reference, instant);
  const Nanoseconds error = reading.clock_ns - clock.at_reference(instant);
  // a sanity cap, not a figure (idle: tens of ns): the read is retried until a bracket is under 2 µs,
  // keeping the narrowest of up to 50, so a busy machine would have to preempt every one of them
  EXPECT_LE(reading.read_window_ns, Nanoseconds{1'000'000});
  EXPECT_LE(std::abs(error.count()), reading.read_window_ns.count());
  EXPECT_GE(reference.now(), instant);  // it waited for the instant
}

TEST(ReadAtInstant, APastInstantIsExtrapolatedBack) {
  const MonotonicClock reference;
  const MonotonicClock source;
  const SimulatedClock clock(source, SimulatedClockParams{Nanoseconds{5'000}, 0.0}, reference.now());
  const ClockReading instant = reference.now() - Nanoseconds{1'000'000};
  const InstantReading reading = read_at_instant(clock, reference, instant);
  EXPECT_LE(std::abs((reading.clock_ns - clock.at_reference(instant)).count()), reading.read_window_ns.count());
}

}  // namespace
}  // namespace berkeley

namespace berkeley {
namespace {

class ReadOnlyClock final : public Clock {  // a clock with no known relation to the reference
 public:
  explicit ReadOnlyClock(const Clock& source) : source_(source) {}
  [[nodiscard]] ClockReading now() const override { return source_.now() + Nanoseconds{777}; }

 private:
  const Clock& source_;
};

TEST(ReadAtInstant, ASimulatedClockGivesItsExactValueOnItsOwnReference) {
  const MonotonicClock reference;
  const SimulatedClock clock(reference, SimulatedClockParams{Nanoseconds{42}, 30.0}, reference.now());
  const ClockReading instant = reference.now() + Nanoseconds{100'000};
  const InstantReading reading = read_at_instant(clock, reference, instant);
  EXPECT_EQ(reading.read_window_ns, Nanoseconds{0});
  EXPECT_EQ(reading.clock_ns, clock.at_reference(instant));
  const MonotonicClock other_reference;  // same source, but not the clock it was built on: no shortcut
  EXPECT_FALSE(clock.exact_at(other_reference, instant).has_value());
}

TEST(ReadAtInstant, AnOrdinaryClockIsReadWithinItsWindow) {
  const MonotonicClock reference;
  const ReadOnlyClock clock(reference);
  const ClockReading instant = reference.now() + Nanoseconds{100'000};
  const InstantReading reading = read_at_instant(clock, reference, instant);
  EXPECT_GT(reading.read_window_ns, Nanoseconds{0});
  EXPECT_LE(std::abs((reading.clock_ns - (instant + Nanoseconds{777})).count()), reading.read_window_ns.count());
}

}  // namespace
}  // namespace berkeley
