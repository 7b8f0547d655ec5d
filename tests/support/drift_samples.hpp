#pragma once
// Timed offsets of known lines (offset and drift), for the tests of the drift fit and the drift plan.
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/drift_fit.hpp"

namespace berkeley::test {

inline constexpr std::int64_t kMs = 1'000'000;

// offsets of a clock with `offset_ns` at t=0 and `drift_ppm`, sampled every 100 ms, plus ±noise alternating
inline std::vector<TimedOffset> line(std::int64_t offset_ns, double drift_ppm, int samples, std::int64_t noise_ns = 0) {
  std::vector<TimedOffset> out;
  for (int i = 0; i < samples; ++i) {
    const std::int64_t t = 5'000 * kMs + i * 100 * kMs;
    const auto drift = static_cast<std::int64_t>(std::llround(static_cast<double>(t) * drift_ppm * 1e-6));
    out.push_back({at_ns(t), Nanoseconds{offset_ns + drift + (i % 2 == 0 ? noise_ns : -noise_ns)}});
  }
  return out;
}

// samples of a true line (offset, drift) at 100 ms steps, each off by an error within its own bound
struct BoundedSamples {
  std::vector<TimedOffset> samples;
  double true_offset_at(ClockReading t) const { return offset + drift_ppm * 1e-6 * static_cast<double>(reading_ns(t)); }
  double offset = 0;
  double drift_ppm = 0;
};

inline BoundedSamples bounded_line(double offset, double drift_ppm, const std::vector<std::int64_t>& bounds,
                                   const std::vector<double>& error_fractions) {
  BoundedSamples out{{}, offset, drift_ppm};
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    const ClockReading t = at_ns(5'000 * kMs + static_cast<std::int64_t>(i) * 100 * kMs);
    const double error = error_fractions[i] * static_cast<double>(bounds[i]);
    out.samples.push_back({t, Nanoseconds{std::llround(out.true_offset_at(t) + error)}, Nanoseconds{bounds[i]}});
  }
  return out;
}

}  // namespace berkeley::test
