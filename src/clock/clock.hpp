#pragma once
// A clock is an object with now(). None of the clocks in berkeley_mpi touches the OS clock:
// corrections live in CorrectedClock, a wrapper.
#include "core/time.hpp"

namespace berkeley {

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual ClockReading now() const = 0;
};

}  // namespace berkeley
