#pragma once
// A clock is an object with now(). None of the clocks in berkeley_mpi touches the OS clock:
// corrections live in CorrectedClock, a wrapper.
#include <optional>

#include "core/time.hpp"

namespace berkeley {

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual ClockReading now() const = 0;

  // A clock that is a known function of `reference` (a simulated clock built on it) gives its exact
  // value when the reference shows reference_ns; any other clock gives nothing and must be read.
  [[nodiscard]] virtual std::optional<ClockReading> exact_at(const Clock& reference, ClockReading reference_ns) const {
    (void)reference;
    (void)reference_ns;
    return std::nullopt;
  }
};

}  // namespace berkeley
