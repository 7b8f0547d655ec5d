#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "clock/monotonic_clock.hpp"
#include "clock/shift_calibration.hpp"
#include "clock/simulated_clock.hpp"

namespace berkeley {
namespace {

// synthetic reference: every read advances it by the next of a cycle of ticks, so a read lands at a
// different place in each bracket, as on a real machine
class TickingClock final : public Clock {
 public:
  [[nodiscard]] ClockReading now() const override {
    static constexpr std::int64_t kTicks[] = {5, 45, 25, 35, 15, 40, 10};
    now_ += kTicks[next_++ % std::size(kTicks)];
    return at_ns(now_);
  }

 private:
  mutable std::int64_t now_ = 1'000'000;
  mutable std::size_t next_ = 0;
};

// reads the reference (advancing it) and shows it shifted, optionally with a rate
class ShiftedClock final : public Clock {
 public:
  ShiftedClock(const Clock& reference, std::int64_t shift, double rate_ppm = 0.0)
      : reference_(reference), shift_(shift), rate_ppm_(rate_ppm) {}
  [[nodiscard]] ClockReading now() const override {
    const std::int64_t t = reading_ns(reference_.now());
    return at_ns(t + shift_ + std::llround(static_cast<double>(t) * rate_ppm_ * 1e-6));
  }

 private:
  const Clock& reference_;
  std::int64_t shift_;
  double rate_ppm_;
};

TEST(CalibrateShift, IntersectingBracketsIsFarTighterThanAnyOneBracket) {
  const TickingClock reference;  // brackets 20-85 ns wide; the read never nearer than 5 ns to either end
  const ShiftedClock clock(reference, -987'654'321);
  const auto calibration = calibrate_shift(clock, reference, 100, Nanoseconds{1'000}, Nanoseconds{0});
  ASSERT_TRUE(calibration.has_value());
  EXPECT_EQ(calibration->reads, 100);
  EXPECT_LE(std::abs(calibration->shift_ns.count() + 987'654'321), calibration->bound_ns.count());
  EXPECT_LE(calibration->bound_ns, Nanoseconds{5});  // the intersection is 5 + 5 ns wide
}

TEST(CalibrateShift, RefusesAClockWithARate) {
  const TickingClock reference;
  const ShiftedClock clock(reference, 5'000, 100.0);  // 100 ppm: 0.1 ns per µs of spacing
  EXPECT_FALSE(calibrate_shift(clock, reference, 100, Nanoseconds{10'000}).has_value());
}

// Every read of a real clock noted, in order, in a log shared by several clocks: the test then sees the very
// brackets the calibration saw.
struct LoggedRead {
  bool reference = false;
  ClockReading value{};
};

class LoggingClock final : public Clock {
 public:
  LoggingClock(const Clock& inner, bool reference, std::vector<LoggedRead>& log)
      : inner_(inner), reference_(reference), log_(log) {}
  [[nodiscard]] ClockReading now() const override {
    const ClockReading value = inner_.now();
    log_.push_back(LoggedRead{reference_, value});
    return value;
  }

 private:
  const Clock& inner_;
  bool reference_;
  std::vector<LoggedRead>& log_;
};

// the width of the narrowest bracket: the reference reads just before and just after a read of the clock
Nanoseconds narrowest_bracket(const std::vector<LoggedRead>& log) {
  Nanoseconds narrowest = Nanoseconds::max();
  for (std::size_t i = 1; i + 1 < log.size(); ++i) {
    if (!log[i].reference && log[i - 1].reference && log[i + 1].reference) {
      narrowest = std::min(narrowest, log[i + 1].value - log[i - 1].value);
    }
  }
  return narrowest;
}

// How tight the bound is on real clocks is the machine's business (brackets of ~40-80 ns here, idle, and
// whatever a busy machine makes of them): no figure here. What the calibration promises is that the true
// shift lies within the bound, and that the bound is an intersection of brackets: never wider than half the
// narrowest one it saw, whatever the widths were.
TEST(CalibrateShift, OnRealClocksTheTrueShiftLiesWithinABoundNoWiderThanTheTightestBracket) {
  std::vector<LoggedRead> log;
  const MonotonicClock monotonic;
  const LoggingClock reference(monotonic, true, log);
  const MonotonicClock real;
  const LoggingClock source(real, false, log);  // read, not computed: a real clock shifted by a constant
  const SimulatedClock clock(source, SimulatedClockParams{Nanoseconds{-42'000'000}, 0.0}, monotonic.now());
  constexpr Nanoseconds kSlack{1};  // calibrate_shift's default
  const auto calibration = calibrate_shift(clock, reference, 500, Nanoseconds{2'000}, kSlack);
  ASSERT_TRUE(calibration.has_value());
  EXPECT_LE(std::abs(calibration->shift_ns.count() + 42'000'000), calibration->bound_ns.count());
  const Nanoseconds narrowest = narrowest_bracket(log);
  ASSERT_NE(narrowest, Nanoseconds::max()) << "no bracketed read in the log";
  // that bracket alone bounds the shift to its width + the slack at both ends, and the bound is half of that
  EXPECT_LE(calibration->bound_ns, (narrowest + 2 * kSlack + Nanoseconds{1}) / 2)
      << "narrowest bracket " << narrowest.count() << " ns";

  const CalibratedClock calibrated(clock, reference, *calibration);
  const ClockReading instant = reference.now() + Nanoseconds{5'000'000};
  const std::optional<ClockReading> exact = calibrated.exact_at(reference, instant);
  ASSERT_TRUE(exact.has_value());
  EXPECT_LE(std::abs((*exact - clock.at_reference(instant)).count()), calibration->bound_ns.count());
  const MonotonicClock other;
  EXPECT_FALSE(calibrated.exact_at(other, instant).has_value());  // only for its own reference
}

}  // namespace
}  // namespace berkeley
