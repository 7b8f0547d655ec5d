#pragma once
// A simulated clock: a reference clock plus a fixed offset and a constant drift. Its value is a known
// function of the reference, which is what lets berkeley_mpi measure its true precision.
#include <cstdint>

#include "clock/clock.hpp"

namespace berkeley {

struct SimulatedClockParams {
  Nanoseconds offset_ns{0};
  double drift_ppm = 0.0;
};

// Draws the parameters of one rank's clock: offset uniform in [-max_offset, +max_offset], drift uniform
// in [-max_drift_ppm, +max_drift_ppm]. Depends only on (seed, rank), never on the number of ranks,
// so the same seed gives the same clocks on every run and every rank count (and every platform:
// the generator is splitmix64, not an implementation-defined std distribution).
[[nodiscard]] SimulatedClockParams draw_simulated_clock(std::uint64_t seed, std::uint64_t rank,
                                                        Nanoseconds max_offset_ns, double max_drift_ppm);

class SimulatedClock final : public Clock {
 public:
  // drift accumulates from the reference instant `anchor_ns` on: now() = ref + offset + drift·(ref − anchor)
  SimulatedClock(const Clock& reference, SimulatedClockParams params, ClockReading anchor_ns);

  [[nodiscard]] ClockReading now() const override { return at_reference(reference_.now()); }
  // the value this clock shows when the reference shows reference_ns
  [[nodiscard]] ClockReading at_reference(ClockReading reference_ns) const;
  [[nodiscard]] std::optional<ClockReading> exact_at(const Clock& reference, ClockReading reference_ns) const override {
    if (&reference != &reference_) return std::nullopt;
    return at_reference(reference_ns);
  }
  [[nodiscard]] const SimulatedClockParams& params() const { return params_; }

 private:
  const Clock& reference_;
  SimulatedClockParams params_;
  ClockReading anchor_ns_;
};

}  // namespace berkeley
