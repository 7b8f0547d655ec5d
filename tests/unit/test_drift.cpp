#include <gtest/gtest.h>

#include <cmath>

#include "core/drift_fit.hpp"
#include "core/interval_audit.hpp"
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
        rank.correction.rate_ppm * 1e-6 * (static_cast<double>(t.count()) + own_ns - static_cast<double>(rank.correction.anchor_ns.count()));
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
