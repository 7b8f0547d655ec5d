#pragma once
// The synchronized clock: an underlying clock plus the correction it was told to apply, a linear
// function of the underlying reading (an offset, and a rate from an anchor on, when drift is corrected).
// Corrections compose over rounds. The OS clock is never touched.
#include <cmath>

#include "clock/clock.hpp"

namespace berkeley {

class CorrectedClock final : public Clock {
 public:
  explicit CorrectedClock(const Clock& underlying) : underlying_(underlying) {}

  [[nodiscard]] ClockReading now() const override { return corrected(underlying_.now()); }
  // the corrected value for a reading of the underlying clock
  [[nodiscard]] ClockReading corrected(ClockReading underlying_ns) const {
    return underlying_ns + correction_at(underlying_ns);
  }
  // the same, by the name of the mapping a trace is corrected with (clock/clock_mapping.hpp): a timestamp
  // taken on the underlying clock, on the group's agreed time
  [[nodiscard]] ClockReading to_global(ClockReading underlying_ns) const { return corrected(underlying_ns); }
  [[nodiscard]] Nanoseconds correction_at(ClockReading underlying_ns) const {
    if (rate_ppm_ == 0.0) return offset_ns_;  // no rate (most syncs): no floating point in every read
    return offset_ns_ + drift_over(underlying_ns - anchor_ns_, rate_ppm_);
  }
  [[nodiscard]] std::optional<ClockReading> exact_at(const Clock& reference, ClockReading reference_ns) const override {
    const std::optional<ClockReading> underlying = underlying_.exact_at(reference, reference_ns);
    if (!underlying) return std::nullopt;
    return corrected(*underlying);
  }

  // a step: from now on the clock reads correction_ns more
  void apply(Nanoseconds correction_ns) { offset_ns_ += correction_ns; }
  // replaces the whole correction: offset_ns at the underlying reading anchor_ns, changing by rate_ppm
  void set_linear(Nanoseconds offset_ns, double rate_ppm, ClockReading anchor_ns) {
    offset_ns_ = offset_ns;
    rate_ppm_ = rate_ppm;
    anchor_ns_ = anchor_ns;
  }
  [[nodiscard]] Nanoseconds total_correction() const { return correction_at(underlying_.now()); }
  [[nodiscard]] double rate_ppm() const { return rate_ppm_; }
  [[nodiscard]] const Clock& underlying() const { return underlying_; }

 private:
  const Clock& underlying_;
  Nanoseconds offset_ns_{0};
  double rate_ppm_ = 0.0;
  ClockReading anchor_ns_{};
};

}  // namespace berkeley
