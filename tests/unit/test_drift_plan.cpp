// The drift plan (sync/drift_plan.hpp): every clock follows the group's average rate and offset.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/drift_fit.hpp"
#include "support/drift_samples.hpp"
#include "sync/drift_plan.hpp"

namespace berkeley {
namespace {

using test::bounded_line;
using test::BoundedSamples;
using test::kMs;
using test::line;

// the correction a clock applies by its plan when it reads `own_ns` past master time t (its own time)
double correction_at(const RankDriftPlan& rank, ClockReading t, double own_ns) {
  return static_cast<double>(rank.correction.offset_ns.count()) +
         rank.correction.rate_ppm * 1e-6 *
             (static_cast<double>(reading_ns(t)) + own_ns - static_cast<double>(reading_ns(rank.correction.anchor_ns)));
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
    return static_cast<double>(offsets[r]) + drifts[r] * 1e-6 * static_cast<double>(reading_ns(t));
  };
  const ClockReading t = plan.reference_ns + Nanoseconds{10'000 * kMs};  // 10 s after the last measurement
  const double target_ns = (true_offset(0, t) + true_offset(1, t) + true_offset(2, t)) / 3.0;
  for (std::size_t r = 0; r < 3; ++r) {
    const RankDriftPlan& rank = plan.ranks[r];
    EXPECT_TRUE(rank.rate_applied) << r;
    // the correction this clock applies when it reads t + its own offset
    const double own_ns = true_offset(r, t);
    EXPECT_NEAR(own_ns + correction_at(rank, t, own_ns), target_ns, 5.0) << "rank " << r;
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

// A member that can only be sent an offset (a TCP client) keeps its own rate: its correction puts it on the
// agreed time at the reference, its bound grows with its drift from the group's, and the truth stays inside.
TEST(PlanDriftCorrection, AnOffsetOnlyMemberKeepsItsRateAndItsBoundHoldsTheTruth) {
  const std::vector<double> alternating{1, -1, 1, -1, 1, -1, 1, -1, 1, -1};
  const BoundedSamples rank = bounded_line(3'000, 40.0, std::vector<std::int64_t>(10, 500), alternating);
  const BoundedSamples guest = bounded_line(-5'000, 40.0, std::vector<std::int64_t>(10, 500), alternating);
  const std::vector<std::vector<TimedOffset>> raw{line(0, 0.0, 10), rank.samples, guest.samples};
  const DriftPlan full = plan_drift_correction(raw, Nanoseconds{1'000'000'000});
  const DriftPlan plan = plan_drift_correction(raw, Nanoseconds{1'000'000'000}, 2.0, {false, false, true});
  ASSERT_TRUE(full.ranks[2].rate_applied);  // the same samples would have had their rate applied
  EXPECT_FALSE(plan.ranks[2].rate_applied);
  EXPECT_EQ(plan.ranks[2].correction.rate_ppm, 0.0);
  EXPECT_TRUE(plan.ranks[1].rate_applied);
  // the fits and the offsets are the same: only the rate is withheld
  EXPECT_EQ(plan.ranks[2].correction.offset_ns, full.ranks[2].correction.offset_ns);
  EXPECT_DOUBLE_EQ(plan.average_drift_ppm, full.average_drift_ppm);

  for (const std::int64_t after_ms : {0, 1'000, 10'000}) {
    const ClockReading t = plan.reference_ns + Nanoseconds{after_ms * kMs};
    const double own = guest.true_offset_at(t);
    const double from_master = own + correction_at(plan.ranks[2], t, own) - correction_at(plan.ranks[0], t, 0.0);
    EXPECT_LE(std::fabs(from_master), plan.bound_from_master_ns(2, Nanoseconds{after_ms * kMs})) << after_ms;
  }
  // 10 s on, the guest has parted from the group's rate (+40 vs +26.7 ppm: 133 µs): the bound says so, and
  // the one with the rate applied is far tighter
  EXPECT_GT(plan.bound_from_master_ns(2, Nanoseconds{10'000 * kMs}), 130'000.0);
  EXPECT_LT(full.bound_from_master_ns(2, Nanoseconds{10'000 * kMs}), 30'000.0);
  EXPECT_GT(plan.ranks[2].predicted_error_ns(Nanoseconds{10'000 * kMs}), 130'000.0);
}

// A member with no sample (a client that never answered) is left out of the plan: no correction, an
// infinite bound, and the others' plan is what it would be without it.
TEST(PlanDriftCorrection, AMemberWithoutSamplesIsLeftOut) {
  const std::vector<std::vector<TimedOffset>> three{line(0, 0.0, 5), line(3'000, 40.0, 5), line(-6'000, -20.0, 5)};
  std::vector<std::vector<TimedOffset>> four = three;
  four.insert(four.begin() + 2, std::vector<TimedOffset>{});
  const DriftPlan without = plan_drift_correction(three, Nanoseconds{1'000'000'000});
  const DriftPlan with = plan_drift_correction(four, Nanoseconds{1'000'000'000});
  ASSERT_EQ(with.ranks.size(), 4u);
  EXPECT_FALSE(with.ranks[2].planned);
  EXPECT_EQ(with.ranks[2].correction.offset_ns, Nanoseconds{0});
  EXPECT_EQ(with.ranks[2].correction.rate_ppm, 0.0);
  EXPECT_EQ(with.bound_from_master_ns(2, Nanoseconds{0}), std::numeric_limits<double>::infinity());
  EXPECT_EQ(with.ranks[2].predicted_error_ns(Nanoseconds{0}), std::numeric_limits<double>::infinity());
  EXPECT_DOUBLE_EQ(with.average_drift_ppm, without.average_drift_ppm);
  EXPECT_EQ(with.average_offset_ns, without.average_offset_ns);
  EXPECT_EQ(with.ranks[3].correction.offset_ns, without.ranks[2].correction.offset_ns);
  EXPECT_DOUBLE_EQ(with.ranks[3].correction.rate_ppm, without.ranks[2].correction.rate_ppm);
  EXPECT_THROW((void)plan_drift_correction({{}, line(0, 0.0, 5)}, Nanoseconds{1'000}), std::invalid_argument);
}

}  // namespace
}  // namespace berkeley
