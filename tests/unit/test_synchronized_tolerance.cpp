// sync/synchronized_tolerance: τ in a group's first round; from the second on, a member corrected in the round
// before is held to what its two measurements, the majority's and the drift allow.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "sync/synchronized_tolerance.hpp"

namespace berkeley {
namespace {

constexpr Nanoseconds kTau{1'000'000'000};

// member estimates: [0] the master (offset 0, no round trip), the others offset/uncertainty measured at `at_ns`
GroupEstimates group(const std::vector<std::int64_t>& offsets_ns, const std::vector<std::int64_t>& uncertainties_ns,
                     std::int64_t at_ns) {
  GroupEstimates estimates{PeerEstimate{}};
  for (std::size_t i = 0; i < offsets_ns.size(); ++i) {
    PeerEstimate e;
    e.best.offset_ns = Nanoseconds{offsets_ns[i]};
    e.best.uncertainty_ns = Nanoseconds{uncertainties_ns[i]};
    e.best.round_trip_ns = 2 * e.best.uncertainty_ns;
    e.best.local_midpoint_ns = ClockReading{Nanoseconds{at_ns + static_cast<std::int64_t>(i)}};
    estimates.emplace_back(e);
  }
  return estimates;
}

GroupStep corrected_all(const GroupEstimates& estimates, Nanoseconds master_correction = Nanoseconds{0}) {
  GroupStep step;
  step.answered.assign(estimates.size(), true);
  step.step.corrections_ns.assign(estimates.size(), Nanoseconds{0});
  step.step.corrections_ns[0] = master_correction;
  return step;
}

TEST(SynchronizedTolerance, FirstRoundGivesEveryMemberTheUsersTolerance) {
  SynchronizedTolerance tolerance;
  const GroupEstimates first = group({5, -7, 3'000'000}, {100, 100, 100}, 1'000'000);
  const std::vector<Nanoseconds>& t = tolerance.tolerances(first, kTau);
  EXPECT_EQ(t, std::vector<Nanoseconds>(4, kTau));
}

TEST(SynchronizedTolerance, AfterAResetEveryMemberHasTheUsersToleranceAgain) {
  SynchronizedTolerance tolerance;
  const GroupEstimates first = group({10, 20, 30}, {100, 200, 300}, 1'000'000);
  (void)tolerance.tolerances(first, kTau);
  tolerance.remember(first, corrected_all(first));
  const GroupEstimates second = group({1, 2, 3}, {100, 200, 300}, 2'000'000);
  ASSERT_LT(tolerance.tolerances(second, kTau)[1], kTau);  // narrowed before the reset
  tolerance.reset();
  EXPECT_EQ(tolerance.tolerances(second, kTau), std::vector<Nanoseconds>(4, kTau));
  EXPECT_EQ(tolerance.majority_bound_ns(), Nanoseconds{0});
}

TEST(SynchronizedTolerance, NarrowsToTheMeasurementsTheMajorityAndTheDrift) {
  SynchronizedTolerance tolerance;
  // round 1 at 1 ms (master clock), uncertainties 100, 200, 300 ns
  const GroupEstimates first = group({10, 20, 30}, {100, 200, 300}, 1'000'000);
  (void)tolerance.tolerances(first, kTau);
  tolerance.remember(first, corrected_all(first));
  // round 2, 1 s later: uncertainties 100, 200, 5000 ns
  const GroupEstimates second = group({1, 2, 3}, {100, 200, 5000}, 1'001'000'000);
  const std::vector<Nanoseconds>& t = tolerance.tolerances(second, kTau);
  // S: master 0, 200, 400, 5300; n = 4, q = min(3, 4) = 3: B = 400 (the largest, 5300, skipped)
  EXPECT_EQ(tolerance.majority_bound_ns(), Nanoseconds{400});
  // Δt from the earliest midpoint of round 1 (1'000'000) to the latest of round 2 (1'001'000'002)
  EXPECT_EQ(tolerance.rounds_apart_ns(), Nanoseconds{1'000'000'002});
  const Nanoseconds drift{2'000'001};  // ⌈2 · 1e-3 · 1'000'000'002⌉
  EXPECT_EQ(t[0], Nanoseconds{0} + Nanoseconds{400} + drift);
  EXPECT_EQ(t[1], Nanoseconds{200} + Nanoseconds{400} + drift);
  EXPECT_EQ(t[2], Nanoseconds{400} + Nanoseconds{400} + drift);
  // a slow member's own share is at most 3·B: 1200, not 5300
  EXPECT_EQ(t[3], Nanoseconds{1200} + Nanoseconds{400} + drift);
  // never wider than τ
  const std::vector<Nanoseconds>& narrow_tau = tolerance.tolerances(second, Nanoseconds{1000});
  EXPECT_EQ(narrow_tau, std::vector<Nanoseconds>(4, Nanoseconds{1000}));
}

TEST(SynchronizedTolerance, OneSlowLiarCannotWidenTheMajorityBound) {
  SynchronizedTolerance tolerance;
  const GroupEstimates first = group({0, 0, 0, 0, 0, 0, 0}, {50, 50, 50, 50, 50, 50, 500'000'000}, 0);
  (void)tolerance.tolerances(first, kTau);
  tolerance.remember(first, corrected_all(first));
  const GroupEstimates second = group({0, 0, 0, 0, 0, 0, 0}, {50, 50, 50, 50, 50, 50, 500'000'000}, 10);
  const std::vector<Nanoseconds>& t = tolerance.tolerances(second, kTau);
  // n = 8: q = min(7, 5 + 1) = 6: B = 100 (S of the honest); the liar's own share capped at 300
  EXPECT_EQ(tolerance.majority_bound_ns(), Nanoseconds{100});
  EXPECT_EQ(t[7], Nanoseconds{300 + 100 + 1});  // drift: ⌈2e-3 · 16⌉ = 1
}

TEST(SynchronizedTolerance, MembersNotCorrectedBeforeOrSilentKeepTau) {
  SynchronizedTolerance tolerance;
  GroupEstimates first = group({0, 0, 0, 0}, {10, 10, 10, 10}, 0);
  first[4].reset();  // member 4 did not answer in round 1
  (void)tolerance.tolerances(first, kTau);
  GroupStep step = corrected_all(first);
  step.answered[4] = false;
  tolerance.remember(first, step);
  GroupEstimates second = group({0, 0, 0, 0}, {10, 10, 10, 10}, 100);
  second[2].reset();  // member 2 is silent now
  const std::vector<Nanoseconds>& t = tolerance.tolerances(second, kTau);
  EXPECT_EQ(t[4], kTau);  // new to the group: nothing known
  EXPECT_EQ(t[2], kTau);  // silent: not averaged anyway
  EXPECT_LT(t[1], Nanoseconds{1000});
  EXPECT_LT(t[3], Nanoseconds{1000});
}

TEST(SynchronizedTolerance, GroupsTooSmallToOutvoteKeepTau) {
  SynchronizedTolerance tolerance;
  const GroupEstimates first = group({0}, {10}, 0);
  (void)tolerance.tolerances(first, kTau);
  tolerance.remember(first, corrected_all(first));
  EXPECT_EQ(tolerance.tolerances(group({0}, {10}, 100), kTau), std::vector<Nanoseconds>(2, kTau));
}

TEST(SynchronizedTolerance, TheMastersCorrectionIsTakenOutOfTheTimeBetweenRounds) {
  SynchronizedTolerance tolerance;
  const GroupEstimates first = group({0, 0, 0}, {10, 10, 10}, 5'000'000'000);
  (void)tolerance.tolerances(first, kTau);
  // the master's clock was 4 s fast: corrected by −4 s, its readings of round 2 are 4 s lower
  tolerance.remember(first, corrected_all(first, Nanoseconds{-4'000'000'000}));
  (void)tolerance.tolerances(group({0, 0, 0}, {10, 10, 10}, 1'000'000'000 + 1000), kTau);
  EXPECT_EQ(tolerance.rounds_apart_ns(), Nanoseconds{1002});
}

}  // namespace
}  // namespace berkeley
