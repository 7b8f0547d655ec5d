#pragma once
// A reference clock the test sets by hand: synthetic time of known truth.
#include "clock/clock.hpp"

namespace berkeley::testing_support {

class ManualClock final : public Clock {
 public:
  [[nodiscard]] ClockReading now() const override { return now_; }
  void set(ClockReading value) { now_ = value; }

 private:
  ClockReading now_{};
};

}  // namespace berkeley::testing_support
