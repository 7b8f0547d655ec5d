#pragma once
#include <time.h>

#include "clock/clock.hpp"

namespace berkeley {

// CLOCK_MONOTONIC: shared by every process on one host, so a deadline on it is one physical instant
// for all ranks there. The reference for ground-truth precision on a single machine.
class MonotonicClock final : public Clock {
 public:
  [[nodiscard]] ClockReading now() const override {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return at_ns(static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec);
  }
};

// CLOCK_REALTIME, read only (nothing here ever sets it).
class RealtimeClock final : public Clock {
 public:
  [[nodiscard]] ClockReading now() const override {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return at_ns(static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec);
  }
};

}  // namespace berkeley
