#pragma once
// The synchronized clock: an underlying clock plus the corrections it was told to apply. Corrections
// accumulate over rounds. The OS clock is never touched.
#include "clock/clock.hpp"

namespace berkeley {

class CorrectedClock final : public Clock {
 public:
  explicit CorrectedClock(const Clock& underlying) : underlying_(underlying) {}

  [[nodiscard]] ClockReading now() const override { return underlying_.now() + correction_ns_; }
  // the corrected value for a reading of the underlying clock
  [[nodiscard]] ClockReading corrected(ClockReading underlying_ns) const { return underlying_ns + correction_ns_; }

  [[nodiscard]] std::optional<ClockReading> exact_at(const Clock& reference, ClockReading reference_ns) const override {
    const std::optional<ClockReading> underlying = underlying_.exact_at(reference, reference_ns);
    if (!underlying) return std::nullopt;
    return corrected(*underlying);
  }

  void apply(Nanoseconds correction_ns) { correction_ns_ += correction_ns; }
  [[nodiscard]] Nanoseconds total_correction() const { return correction_ns_; }
  [[nodiscard]] const Clock& underlying() const { return underlying_; }

 private:
  const Clock& underlying_;
  Nanoseconds correction_ns_{0};
};

}  // namespace berkeley
