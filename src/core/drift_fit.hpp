#pragma once
// Offset and drift of a clock from offsets measured over time: a least-squares line, each sample weighted
// by 1/uncertainty² (a round whose round trip was disturbed counts little), with the standard errors of
// both coefficients. Pure: no MPI, no I/O.
#include <span>

#include "core/time.hpp"

namespace berkeley {

// One measured offset (remote − local) and the local time it was measured at.
struct TimedOffset {
  ClockReading local_ns{};
  Nanoseconds offset_ns{0};
  Nanoseconds uncertainty_ns{0};  // e.g. half the round trip; weights the sample (0 for all: equal weights)
};

struct DriftFit {
  ClockReading reference_ns{};    // the time the line is anchored at (the mean of the sample times)
  Nanoseconds offset_ns{0};       // fitted offset at reference_ns
  double drift_ppm = 0.0;         // fitted rate: offset change per local time, in parts per million
  double offset_stderr_ns = 0.0;  // standard errors (0 when there are too few samples to tell)
  double drift_stderr_ppm = 0.0;
  // Worst case, not statistics: when every sample's offset lies within its uncertainty of one true line,
  // the fitted line lies within offset_bound_ns of it at reference_ns and its slope within drift_bound_ppm
  // (samples without uncertainty: 1 ns of rounding and 0; the drift bound is infinite when the samples
  // cannot tell a slope: one sample, or all at one time)
  double offset_bound_ns = 0.0;
  double drift_bound_ppm = 0.0;
  int samples = 0;

  // offset the line predicts at local time t
  [[nodiscard]] Nanoseconds offset_at(ClockReading local_ns) const;
  // one standard error of that prediction
  [[nodiscard]] double prediction_stderr_ns(ClockReading local_ns) const;
  // the worst case of that prediction: how far from the true line it can be, the samples' bounds holding
  [[nodiscard]] double prediction_bound_ns(ClockReading local_ns) const;
};

// Needs at least one sample. With one sample, or all at one time, the drift is 0 with no error estimate;
// with two, the line is exact and the errors are unknown (0).
[[nodiscard]] DriftFit fit_drift(std::span<const TimedOffset> samples);

}  // namespace berkeley
