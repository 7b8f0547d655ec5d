#pragma once
// A clock that runs backwards: each reading 1 ms before the last. Two exchanges with it give intervals that
// cannot intersect, so whatever measures it must notice, not average it in or hang.
#include <cstdint>

#include "clock/clock.hpp"

namespace berkeley::testing_support {

class BackwardsClock final : public Clock {
 public:
  [[nodiscard]] ClockReading now() const override { return at_ns(kStart - 1'000'000 * ++reads_); }

 private:
  static constexpr std::int64_t kStart = 1'000'000'000'000;
  mutable std::int64_t reads_ = 0;
};

}  // namespace berkeley::testing_support
