#pragma once
// Ground truth for a real clock that is a constant shift of the reference. Open MPI's MPI_Wtime is
// CLOCK_MONOTONIC minus the process's own first reading, so on one host each rank's MPI_Wtime is the
// shared CLOCK_MONOTONIC shifted by a per-rank constant. Each read bracketed by two reference reads
// bounds that shift; intersecting many brackets pins it down to a few ns, far tighter than any single
// bracket (about 40-80 ns here). A clock that is not a pure shift (another time base, a rate, steps)
// contradicts itself: the brackets stop intersecting and the calibration is refused.
#include <optional>

#include "clock/clock.hpp"

namespace berkeley {

struct ShiftCalibration {
  Nanoseconds shift_ns{0};  // clock = reference + shift
  Nanoseconds bound_ns{0};  // |true shift − shift_ns| ≤ bound_ns
  int reads = 0;
};

// `reads` bracketed reads of `clock`, `spacing_ns` of reference time apart (spinning, so the brackets
// span that much time and a rate would show). nullopt when they do not agree on one shift within
// `slack_ns` (the clock's rounding: 1 ns for MPI_Wtime's double seconds turned into int64 ns).
[[nodiscard]] std::optional<ShiftCalibration> calibrate_shift(const Clock& clock, const Clock& reference, int reads,
                                                              Nanoseconds spacing_ns,
                                                              Nanoseconds slack_ns = Nanoseconds{1});

// `inner` read as usual, but with an exact value at any reference instant: reference + shift. For the
// reference it was calibrated against only (any other reference: no exact value).
class CalibratedClock final : public Clock {
 public:
  CalibratedClock(const Clock& inner, const Clock& reference, ShiftCalibration calibration)
      : inner_(inner), reference_(reference), calibration_(calibration) {}
  [[nodiscard]] ClockReading now() const override { return inner_.now(); }
  [[nodiscard]] std::optional<ClockReading> exact_at(const Clock& reference, ClockReading reference_ns) const override {
    if (&reference != &reference_) return inner_.exact_at(reference, reference_ns);
    return reference_ns + calibration_.shift_ns;
  }
  [[nodiscard]] const ShiftCalibration& calibration() const { return calibration_; }

 private:
  const Clock& inner_;
  const Clock& reference_;
  ShiftCalibration calibration_;
};

}  // namespace berkeley
