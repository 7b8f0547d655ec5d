#include "core/drift_fit.hpp"

#include <cmath>
#include <stdexcept>

namespace berkeley {

Nanoseconds DriftFit::offset_at(ClockReading local_ns) const {
  const double elapsed_ns = static_cast<double>((local_ns - reference_ns).count());
  return offset_ns + Nanoseconds{std::llround(elapsed_ns * drift_ppm * 1e-6)};
}

double DriftFit::prediction_stderr_ns(ClockReading local_ns) const {
  const double elapsed_ns = static_cast<double>((local_ns - reference_ns).count());
  const double rate_stderr = drift_stderr_ppm * 1e-6 * elapsed_ns;
  return std::sqrt(offset_stderr_ns * offset_stderr_ns + rate_stderr * rate_stderr);
}

DriftFit fit_drift(std::span<const TimedOffset> samples) {
  if (samples.empty()) throw std::invalid_argument("fit_drift: no samples");
  const auto n = static_cast<double>(samples.size());
  // work in differences from the first sample: small numbers, no loss of precision in double
  const ClockReading t0 = samples.front().local_ns;
  const Nanoseconds y0 = samples.front().offset_ns;
  double mean_t = 0;
  double mean_y = 0;
  for (const TimedOffset& s : samples) {
    mean_t += static_cast<double>((s.local_ns - t0).count());
    mean_y += static_cast<double>((s.offset_ns - y0).count());
  }
  mean_t /= n;
  mean_y /= n;
  double sxx = 0;
  double sxy = 0;
  for (const TimedOffset& s : samples) {
    const double dt = static_cast<double>((s.local_ns - t0).count()) - mean_t;
    const double dy = static_cast<double>((s.offset_ns - y0).count()) - mean_y;
    sxx += dt * dt;
    sxy += dt * dy;
  }
  DriftFit fit;
  fit.samples = static_cast<int>(samples.size());
  fit.reference_ns = t0 + Nanoseconds{std::llround(mean_t)};
  // the intercept at reference_ns is the mean offset, whatever the slope
  fit.offset_ns = y0 + Nanoseconds{std::llround(mean_y)};
  if (sxx <= 0) return fit;
  const double slope = sxy / sxx;  // ns per ns
  fit.drift_ppm = slope * 1e6;
  if (samples.size() < 3) return fit;
  double sse = 0;
  for (const TimedOffset& s : samples) {
    const double dt = static_cast<double>((s.local_ns - t0).count()) - mean_t;
    const double dy = static_cast<double>((s.offset_ns - y0).count()) - mean_y;
    const double r = dy - slope * dt;
    sse += r * r;
  }
  const double sigma2 = sse / (n - 2);
  fit.offset_stderr_ns = std::sqrt(sigma2 / n);
  fit.drift_stderr_ppm = std::sqrt(sigma2 / sxx) * 1e6;
  return fit;
}

}  // namespace berkeley
