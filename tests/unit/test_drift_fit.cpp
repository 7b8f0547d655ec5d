// The drift fit (core/drift_fit.hpp): a weighted line through timed offsets, and the bounds it states.
#include <gtest/gtest.h>

#include <cmath>

#include "core/drift_fit.hpp"
#include "core/splitmix64.hpp"
#include "support/drift_samples.hpp"

namespace berkeley {
namespace {

using test::bounded_line;
using test::BoundedSamples;
using test::kMs;
using test::line;

TEST(FitDrift, RecoversAnExactLine) {
  const DriftFit fit = fit_drift(line(1'000, 50.0, 10));
  EXPECT_NEAR(fit.drift_ppm, 50.0, 1e-6);
  EXPECT_EQ(fit.offset_at(ClockReading{}), Nanoseconds{1'000});
  EXPECT_EQ(fit.offset_at(at_ns(10'000 * kMs)), Nanoseconds{1'000 + 500'000});
  EXPECT_NEAR(fit.drift_stderr_ppm, 0.0, 1e-6);
  EXPECT_EQ(fit.samples, 10);
}

TEST(FitDrift, NoiseShowsInTheStandardErrors) {
  const DriftFit fit = fit_drift(line(0, 0.0, 10, 200));
  EXPECT_LT(std::fabs(fit.drift_ppm), 3 * fit.drift_stderr_ppm + 1e-9);
  EXPECT_GT(fit.drift_stderr_ppm, 0.0);
  EXPECT_NEAR(fit.offset_stderr_ns, 200.0 / std::sqrt(10.0), 30.0);
}

TEST(FitDrift, OneSampleIsAnOffsetWithoutDrift) {
  const DriftFit fit = fit_drift(line(-7, 30.0, 1));
  EXPECT_EQ(fit.drift_ppm, 0.0);
  EXPECT_EQ(fit.offset_ns, Nanoseconds{-7 + 150'000});  // 30 ppm of the 5 s sample time
  EXPECT_THROW((void)fit_drift({}), std::invalid_argument);
}

}  // namespace
}  // namespace berkeley

namespace berkeley {
namespace {

TEST(FitDrift, ADisturbedSampleWithAWideBoundBarelyMovesTheLine) {
  std::vector<TimedOffset> samples = line(0, 10.0, 10);
  for (auto& s : samples) s.uncertainty_ns = Nanoseconds{500};
  samples[4].offset_ns += Nanoseconds{20'000};  // a round trip disturbed by 40 µs of queueing
  samples[4].uncertainty_ns = Nanoseconds{20'000};
  const DriftFit weighted = fit_drift(samples);
  for (auto& s : samples) s.uncertainty_ns = Nanoseconds{0};
  const DriftFit unweighted = fit_drift(samples);
  EXPECT_LT(std::fabs(weighted.drift_ppm - 10.0), 0.05);
  EXPECT_GT(std::fabs(unweighted.drift_ppm - 10.0), 0.5);
}

}  // namespace
}  // namespace berkeley

namespace berkeley {
namespace {

TEST(FitDriftBound, TheWorstCaseErrorsReachTheSlopeBoundAndNoMore) {
  // every sample off by its whole bound, with the sign of its time from the weighted mean: the slope is
  // off by exactly the stated bound (equal bounds: the mean time is the middle, 450 ms)
  const std::vector<std::int64_t> bounds(10, 500);
  std::vector<double> signs;
  for (int i = 0; i < 10; ++i) signs.push_back(i < 5 ? -1.0 : 1.0);
  const BoundedSamples worst = bounded_line(3'000, 20.0, bounds, signs);
  const DriftFit fit = fit_drift(worst.samples);
  EXPECT_NEAR(std::fabs(fit.drift_ppm - 20.0), fit.drift_bound_ppm, 0.01);
  // 500 ns × Σ|t − mean| / Σ(t − mean)² = 500 × 2.5 s / 0.825 s² = 1515 ns/s
  EXPECT_NEAR(fit.drift_bound_ppm, 500.0 * 2.5 / 0.825 * 1e-3, 0.01);
  // equal bounds: the offset at the mean time is known to the samples' bound (and 1 ns of rounding)
  EXPECT_NEAR(fit.offset_bound_ns, 501.0, 1e-9);
}

TEST(FitDriftBound, AnyErrorsWithinTheSamplesBoundsStayWithinTheFitsBounds) {
  std::uint64_t state = 42;
  auto uniform = [&state] { return static_cast<double>(splitmix64_next(state) >> 11) * 0x1.0p-53; };  // [0, 1)
  for (int trial = 0; trial < 1'000; ++trial) {
    std::vector<std::int64_t> bounds;
    std::vector<double> errors;
    for (int i = 0; i < 10; ++i) {
      // bounds from 20 ns to 2 ms, as an idle and a loaded machine give; errors anywhere within them
      bounds.push_back(static_cast<std::int64_t>(20.0 * std::pow(1e5, uniform())));
      errors.push_back(2.0 * uniform() - 1.0);
    }
    const BoundedSamples s = bounded_line(-40'000, 100.0 * (2.0 * uniform() - 1.0), bounds, errors);
    const DriftFit fit = fit_drift(s.samples);
    ASSERT_LE(std::fabs(fit.drift_ppm - s.drift_ppm), fit.drift_bound_ppm + 1e-6) << "trial " << trial;
    for (const std::int64_t later_ms : {0, 1'000, 10'000}) {
      const ClockReading t = fit.reference_ns + Nanoseconds{later_ms * kMs};
      ASSERT_LE(std::fabs(static_cast<double>(fit.offset_at(t).count()) - s.true_offset_at(t)),
                fit.prediction_bound_ns(t))
          << "trial " << trial << ", " << later_ms << " ms after the fit's reference";
    }
  }
}

TEST(FitDriftBound, OneSampleCannotBoundADrift) {
  const DriftFit fit = fit_drift(std::vector<TimedOffset>{{ClockReading{}, Nanoseconds{7}, Nanoseconds{100}}});
  EXPECT_TRUE(std::isinf(fit.drift_bound_ppm));
  EXPECT_EQ(fit.prediction_bound_ns(fit.reference_ns), 101.0);
  EXPECT_TRUE(std::isinf(fit.prediction_bound_ns(fit.reference_ns + Nanoseconds{1})));
}

}  // namespace
}  // namespace berkeley
