#include <gtest/gtest.h>

#include <cmath>

#include "core/drift_fit.hpp"
#include "core/interval_audit.hpp"
#include "core/splitmix64.hpp"
#include "sync/drift_plan.hpp"

namespace berkeley {
namespace {

constexpr std::int64_t kMs = 1'000'000;

// offsets of a clock with `offset_ns` at t=0 and `drift_ppm`, sampled every 100 ms, plus ±noise alternating
std::vector<TimedOffset> line(std::int64_t offset_ns, double drift_ppm, int samples, std::int64_t noise_ns = 0) {
  std::vector<TimedOffset> out;
  for (int i = 0; i < samples; ++i) {
    const std::int64_t t = 5'000 * kMs + i * 100 * kMs;
    const auto drift = static_cast<std::int64_t>(std::llround(static_cast<double>(t) * drift_ppm * 1e-6));
    out.push_back({Nanoseconds{t}, Nanoseconds{offset_ns + drift + (i % 2 == 0 ? noise_ns : -noise_ns)}});
  }
  return out;
}

TEST(FitDrift, RecoversAnExactLine) {
  const DriftFit fit = fit_drift(line(1'000, 50.0, 10));
  EXPECT_NEAR(fit.drift_ppm, 50.0, 1e-6);
  EXPECT_EQ(fit.offset_at(Nanoseconds{0}), Nanoseconds{1'000});
  EXPECT_EQ(fit.offset_at(Nanoseconds{10'000 * kMs}), Nanoseconds{1'000 + 500'000});
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

TEST(IntersectIntervals, TheIntersectionHoldsTheTruthAndIsNoWiderThanTheBestExchange) {
  // remote = local + 1000; exchanges with out/back delays (50,50), (10,200), (300,20)
  std::vector<OffsetSample> samples{{Nanoseconds{0}, Nanoseconds{1'050}, Nanoseconds{100}},
                                    {Nanoseconds{1'000}, Nanoseconds{2'010}, Nanoseconds{1'210}},
                                    {Nanoseconds{2'000}, Nanoseconds{3'300}, Nanoseconds{2'320}}};
  const AuditEstimate audit = intersect_intervals(samples);
  EXPECT_TRUE(audit.consistent);
  EXPECT_LE(std::abs((audit.residual_ns - Nanoseconds{1'000}).count()), audit.uncertainty_ns.count());
  // intervals: [950,1050], [800,1010], [980,1300] → [980,1010]
  EXPECT_EQ(audit.residual_ns, Nanoseconds{995});
  EXPECT_EQ(audit.uncertainty_ns, Nanoseconds{15});
}

TEST(IntersectIntervals, AnOddWidthStillCoversBothEnds) {
  // one exchange bounds the offset to [0, 3]: the midpoint rounds down to 1, so ±2 is needed to reach 3
  const std::vector<OffsetSample> samples{{Nanoseconds{0}, Nanoseconds{3}, Nanoseconds{3}}};
  const AuditEstimate audit = intersect_intervals(samples);
  EXPECT_EQ(audit.residual_ns, Nanoseconds{1});
  EXPECT_EQ(audit.uncertainty_ns, Nanoseconds{2});
}

TEST(IntersectIntervals, DisjointIntervalsAreFlagged) {
  std::vector<OffsetSample> samples{{Nanoseconds{0}, Nanoseconds{1'050}, Nanoseconds{100}},
                                    {Nanoseconds{1'000}, Nanoseconds{9'050}, Nanoseconds{1'100}}};
  EXPECT_FALSE(intersect_intervals(samples).consistent);
}

TEST(PlanDriftCorrection, AllClocksFollowTheAverageRateAndOffset) {
  // master perfect; rank 1 +40 ppm, rank 2 −20 ppm: the average drift is +6.667 ppm against the master
  const std::int64_t offsets[] = {0, 3'000, -6'000};
  const double drifts[] = {0.0, 40.0, -20.0};
  const std::vector<std::vector<TimedOffset>> raw{line(offsets[0], drifts[0], 10), line(offsets[1], drifts[1], 10),
                                                  line(offsets[2], drifts[2], 10)};
  const DriftPlan plan = plan_drift_correction(raw, Nanoseconds{1'000'000'000});
  EXPECT_NEAR(plan.average_drift_ppm, 20.0 / 3.0, 1e-6);
  // the truth at master time t: each clock's offset, and the group's average that every clock must show
  auto true_offset = [&](std::size_t r, ClockReading t) {
    return static_cast<double>(offsets[r]) + drifts[r] * 1e-6 * static_cast<double>(t.count());
  };
  const ClockReading t = plan.reference_ns + Nanoseconds{10'000 * kMs};  // 10 s after the last measurement
  const double target_ns = (true_offset(0, t) + true_offset(1, t) + true_offset(2, t)) / 3.0;
  for (std::size_t r = 0; r < 3; ++r) {
    const RankDriftPlan& rank = plan.ranks[r];
    EXPECT_TRUE(rank.rate_applied) << r;
    // the correction this clock applies when it reads t + its own offset
    const double own_ns = true_offset(r, t);
    const double correction_ns =
        static_cast<double>(rank.correction.offset_ns.count()) +
        rank.correction.rate_ppm * 1e-6 *
            (static_cast<double>(t.count()) + own_ns - static_cast<double>(rank.correction.anchor_ns.count()));
    EXPECT_NEAR(own_ns + correction_ns, target_ns, 5.0) << "rank " << r;
  }
}

TEST(PlanDriftCorrection, NoRateIsAppliedWhereTheDriftIsOnlyNoise) {
  const std::vector<std::vector<TimedOffset>> raw{line(0, 0, 10), line(500, 0.0, 10, 300), line(-500, 0.0, 10, 300)};
  const DriftPlan plan = plan_drift_correction(raw, Nanoseconds{1'000'000'000});
  for (const RankDriftPlan& rank : plan.ranks) {
    EXPECT_FALSE(rank.rate_applied);
    EXPECT_EQ(rank.correction.rate_ppm, 0.0);
    EXPECT_GT(rank.predicted_error_ns(Nanoseconds{10'000 * kMs}), rank.predicted_error_ns(Nanoseconds{0}));
  }
  // the correction is anchored at the last sample, 0.45 s after the samples' mean: the offset error there
  // is larger than at the mean
  for (std::size_t r = 1; r < 3; ++r) {
    EXPECT_GT(plan.ranks[r].predicted_error_ns(Nanoseconds{0}), plan.ranks[r].fit.offset_stderr_ns) << r;
  }
  // rank 1 is one of the 3 averaged (rank 0 noiseless, ranks 1 and 2 equally noisy, σ each):
  // average − own = (d0 + d2 − 2·d1) / 3, so its error is σ·√(1 + 4)/3
  const double sigma = plan.ranks[1].fit.drift_stderr_ppm;
  ASSERT_GT(sigma, 0.0);
  EXPECT_NEAR(plan.ranks[1].rate_stderr_ppm, sigma * std::sqrt(5.0) / 3.0, 1e-9);
}

TEST(PlanDriftCorrection, TwoSamplesAreTooFewToApplyARate) {
  const std::vector<std::vector<TimedOffset>> raw{line(0, 0, 2), line(0, 40.0, 2)};
  const DriftPlan plan = plan_drift_correction(raw, Nanoseconds{1'000'000'000});
  EXPECT_FALSE(plan.ranks[1].rate_applied);
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

// samples of a true line (offset, drift) at 100 ms steps, each off by an error within its own bound
struct BoundedSamples {
  std::vector<TimedOffset> samples;
  double true_offset_at(ClockReading t) const { return offset + drift_ppm * 1e-6 * static_cast<double>(t.count()); }
  double offset = 0;
  double drift_ppm = 0;
};

BoundedSamples bounded_line(double offset, double drift_ppm, const std::vector<std::int64_t>& bounds,
                            const std::vector<double>& error_fractions) {
  BoundedSamples out{{}, offset, drift_ppm};
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    const ClockReading t{5'000 * kMs + static_cast<std::int64_t>(i) * 100 * kMs};
    const double error = error_fractions[i] * static_cast<double>(bounds[i]);
    out.samples.push_back({t, Nanoseconds{std::llround(out.true_offset_at(t) + error)}, Nanoseconds{bounds[i]}});
  }
  return out;
}

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
  const DriftFit fit = fit_drift(std::vector<TimedOffset>{{Nanoseconds{0}, Nanoseconds{7}, Nanoseconds{100}}});
  EXPECT_TRUE(std::isinf(fit.drift_bound_ppm));
  EXPECT_EQ(fit.prediction_bound_ns(fit.reference_ns), 101.0);
  EXPECT_TRUE(std::isinf(fit.prediction_bound_ns(fit.reference_ns + Nanoseconds{1})));
}

TEST(DriftPlanBound, TheTruthTenSecondsLaterIsWithinTheBoundFromTheMaster) {
  // master exact; rank 1 at +40 ppm with ±500 ns samples (its rate is applied); rank 2 at 0 ppm with
  // ±30 µs samples, whose fitted drift is noise, so no rate is applied to it: it keeps its own rate while
  // the group follows the average, a departure the bound must include
  const std::vector<double> alternating{1, -1, 1, -1, 1, -1, 1, -1, 1, -1};
  const BoundedSamples one = bounded_line(3'000, 40.0, std::vector<std::int64_t>(10, 500), alternating);
  const BoundedSamples two = bounded_line(-6'000, 0.0, std::vector<std::int64_t>(10, 30'000), alternating);
  const DriftPlan plan =
      plan_drift_correction({line(0, 0.0, 10), one.samples, two.samples}, Nanoseconds{1'000'000'000});
  ASSERT_TRUE(plan.ranks[1].rate_applied);
  ASSERT_FALSE(plan.ranks[2].rate_applied);
  EXPECT_EQ(plan.bound_from_master_ns(0, Nanoseconds{10'000 * kMs}), 0.0);
  const BoundedSamples* truth[] = {nullptr, &one, &two};
  // the correction a clock applies when it reads `own` (its own time) at master time t
  auto correction_at = [](const RankDriftPlan& rank, ClockReading t, double own) {
    return static_cast<double>(rank.correction.offset_ns.count()) +
           rank.correction.rate_ppm * 1e-6 *
               (static_cast<double>(t.count()) + own - static_cast<double>(rank.correction.anchor_ns.count()));
  };
  for (std::size_t r = 1; r < 3; ++r) {
    for (const std::int64_t after_ms : {0, 1'000, 10'000}) {
      const ClockReading t = plan.reference_ns + Nanoseconds{after_ms * kMs};
      const double own = truth[r]->true_offset_at(t);
      const double from_master = own + correction_at(plan.ranks[r], t, own) - correction_at(plan.ranks[0], t, 0.0);
      EXPECT_LE(std::fabs(from_master), plan.bound_from_master_ns(r, Nanoseconds{after_ms * kMs}))
          << "rank " << r << ", +" << after_ms << " ms";
    }
  }
  // and the bound is not vacuous: rank 1's samples (±500 ns, 100 ms apart) bound its rate to 1.5 ppm
  // (500 ns × 2.5 s / 0.825 s²) and its offset at the last sample to 501 + 1.5 ppm × 450 ms (+ 1 ns of the
  // master's rounding). The master's own rate is not applied either (the group's rate is uncertain, rank 2
  // being noisy): it keeps its rate while rank 1 follows the group's, and they part by that much.
  ASSERT_FALSE(plan.ranks[0].rate_applied);
  const double parting_ppm = std::fabs(plan.ranks[0].rate_correction_ppm);
  EXPECT_NEAR(plan.bound_from_master_ns(1, Nanoseconds{0}), (501.0 + 1 + 1515.15e-9 * 450e6) * 1.001, 1.0);
  EXPECT_NEAR(plan.bound_from_master_ns(1, Nanoseconds{10'000 * kMs}),
              (501.0 + 1 + 1515.15e-9 * 10'450e6 + parting_ppm * 1e-6 * 10'000e6) * 1.001, 1.0);
}

}  // namespace
}  // namespace berkeley
