#include "core/drift_fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace berkeley {

Nanoseconds DriftFit::offset_at(ClockReading local_ns) const {
  return offset_ns + drift_over(local_ns - reference_ns, drift_ppm);
}

double DriftFit::prediction_stderr_ns(ClockReading local_ns) const {
  const double elapsed_ns = static_cast<double>((local_ns - reference_ns).count());
  const double rate_stderr = drift_stderr_ppm * 1e-6 * elapsed_ns;
  return std::sqrt(offset_stderr_ns * offset_stderr_ns + rate_stderr * rate_stderr);
}

double DriftFit::prediction_bound_ns(ClockReading local_ns) const {
  const double elapsed_ns = std::fabs(static_cast<double>((local_ns - reference_ns).count()));
  if (elapsed_ns == 0.0) return offset_bound_ns;  // also where the slope is unknown (infinite bound)
  return offset_bound_ns + drift_bound_ppm * 1e-6 * elapsed_ns;
}

DriftFit fit_drift(std::span<const TimedOffset> samples) {
  if (samples.empty()) throw std::invalid_argument("fit_drift: no samples");
  const bool weighted = std::any_of(samples.begin(), samples.end(),
                                    [](const TimedOffset& s) { return s.uncertainty_ns > Nanoseconds{0}; });
  auto weight = [weighted](const TimedOffset& s) {
    if (!weighted) return 1.0;
    const double u = std::max<double>(1.0, static_cast<double>(s.uncertainty_ns.count()));
    return 1.0 / (u * u);
  };
  // work in differences from the first sample: small numbers, no loss of precision in double
  const ClockReading t0 = samples.front().local_ns;
  const Nanoseconds y0 = samples.front().offset_ns;
  auto t_of = [t0](const TimedOffset& s) { return static_cast<double>((s.local_ns - t0).count()); };
  auto y_of = [y0](const TimedOffset& s) { return static_cast<double>((s.offset_ns - y0).count()); };

  double sum_w = 0;
  double mean_t = 0;
  double mean_y = 0;
  for (const TimedOffset& s : samples) {
    sum_w += weight(s);
    mean_t += weight(s) * t_of(s);
    mean_y += weight(s) * y_of(s);
  }
  mean_t /= sum_w;
  mean_y /= sum_w;
  double sxx = 0;
  double sxy = 0;
  for (const TimedOffset& s : samples) {
    const double dt = t_of(s) - mean_t;
    sxx += weight(s) * dt * dt;
    sxy += weight(s) * dt * (y_of(s) - mean_y);
  }
  DriftFit fit;
  fit.samples = static_cast<int>(samples.size());
  fit.reference_ns = t0 + Nanoseconds{std::llround(mean_t)};
  // the intercept at the (weighted) mean time is the mean offset, whatever the slope
  fit.offset_ns = y0 + Nanoseconds{std::llround(mean_y)};
  // The fitted intercept and slope are weighted sums of the samples, so an error e_i (|e_i| ≤ u_i) of each
  // sample moves them by Σ w_i e_i / Σ w_i and Σ w_i (t_i − mean) e_i / sxx: the worst case is every e_i
  // at ±u_i with the sign of its coefficient. The +1 ns covers rounding to whole ns (the intercept here,
  // the line's value in offset_at()).
  double offset_bound = 0;
  double slope_bound = 0;
  for (const TimedOffset& s : samples) {
    const auto u = static_cast<double>(s.uncertainty_ns.count());
    offset_bound += weight(s) * u;
    slope_bound += weight(s) * std::fabs(t_of(s) - mean_t) * u;
  }
  fit.offset_bound_ns = offset_bound / sum_w + 1.0;
  if (sxx <= 0) {
    fit.drift_bound_ppm = std::numeric_limits<double>::infinity();
    return fit;
  }
  const double slope = sxy / sxx;  // ns per ns
  fit.drift_ppm = slope * 1e6;
  fit.drift_bound_ppm = slope_bound / sxx * 1e6;
  if (samples.size() < 3) return fit;
  double weighted_sse = 0;
  for (const TimedOffset& s : samples) {
    const double r = (y_of(s) - mean_y) - slope * (t_of(s) - mean_t);
    weighted_sse += weight(s) * r * r;
  }
  const double scale2 = weighted_sse / (static_cast<double>(samples.size()) - 2);
  fit.offset_stderr_ns = std::sqrt(scale2 / sum_w);
  fit.drift_stderr_ppm = std::sqrt(scale2 / sxx) * 1e6;
  return fit;
}

}  // namespace berkeley
