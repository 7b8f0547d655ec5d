// The library entry point (transport/mpi/synchronize.hpp): every rank's claims against the truth, bare
// syncs, outliers, a clock that runs backwards, a Synchronizer that outlives its communicator.
#include <gtest/gtest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <thread>

#include "support/backwards_clock.hpp"
#include "sync_claims.hpp"
#include "sync_fixtures.hpp"
#include "transport/mpi/audit.hpp"
#include "transport/mpi/instant_probe.hpp"

namespace berkeley {
namespace {

using namespace test;
namespace bmpi = boost::mpi;

TEST_F(Synchronize, CorrectedClocksAgreeAtOneSharedInstant) {
  const auto outcome = mpi::synchronize(world, clock, sync_options(2, 2 * kSecond));
  const auto readings = mpi::probe_shared_instant(world, clock, reference, Nanoseconds{20'000'000});
  if (world.rank() != 0) return;

  ASSERT_EQ(outcome.rounds.size(), 2U);
  EXPECT_EQ(outcome.rounds[0].clocks_averaged, static_cast<std::size_t>(world.size()));
  ASSERT_EQ(readings.size(), static_cast<std::size_t>(world.size()));
  test::expect_within_stated_bounds(outcome, readings);
  // the truth: the mean of the drawn offsets is where every clock must land. Each round moves the group
  // by what it averaged wrongly, at most twice the round's widest bound (the collective averages lower
  // bounds, each within its whole interval below the estimate), + 1 ns of integer rounding
  Nanoseconds group_bound{0};
  for (const RoundSummary& round : outcome.rounds) group_bound += 2 * round.max_uncertainty_ns + Nanoseconds{1};
  std::int64_t sum = 0;
  for (int r = 0; r < world.size(); ++r) sum += (offset_of_rank(r) - offset_of_rank(0)).count();
  const ClockReading agreed = readings[0].raw_ns + Nanoseconds{sum / world.size()};
  for (int r = 0; r < world.size(); ++r) {
    const Nanoseconds residual = readings[r].corrected_ns - agreed;
    const Nanoseconds bound = group_bound + *outcome.bound_from_master(static_cast<std::size_t>(r), readings[0].raw_ns);
    EXPECT_LE(std::abs(residual.count()), bound.count()) << "rank " << r;
    // the correction undid the drawn offset: it has the opposite sign of the offset from the average
    const Nanoseconds from_average = readings[r].raw_ns - agreed;
    const Nanoseconds correction = readings[r].corrected_ns - readings[r].raw_ns;
    if (std::abs(from_average.count()) > bound.count()) {
      EXPECT_EQ(correction<Nanoseconds{0}, from_average> Nanoseconds{0}) << "rank " << r;
    }
  }
}

TEST_F(Synchronize, TheOutcomeHoldsEveryRanksFinishedEstimateWithinItsBound) {
  const auto outcome = mpi::synchronize(world, clock, sync_options(1, 2 * kSecond));
  if (world.rank() != 0) return;
  ASSERT_EQ(outcome.first_estimates.size(), static_cast<std::size_t>(world.size()));
  ASSERT_EQ(outcome.levels.size(), 1U);
  EXPECT_EQ(outcome.levels[0].ranks_measured, world.size() - 1);
  for (int r = 1; r < world.size(); ++r) {
    ASSERT_TRUE(outcome.first_estimates[r].has_value()) << "rank " << r;
    const OffsetEstimate& e = outcome.first_estimates[r]->best;
    const Nanoseconds truth = offset_of_rank(r) - offset_of_rank(0);
    EXPECT_LE(std::abs((e.offset_ns - truth).count()), e.uncertainty_ns.count()) << "rank " << r;
    EXPECT_LE(e.uncertainty_ns, outcome.rounds[0].max_uncertainty_ns) << "rank " << r;
  }
  if (world.size() > 1) {
    EXPECT_GT(outcome.rounds[0].max_uncertainty_ns, Nanoseconds{0});
  }
}

using TemporaryCommunicator = EveryMethod;

// A Synchronizer keeps its own handle of the communicator it is given: built from a temporary (a duplicate of
// the world that nobody else holds, freed once the constructor returns if it were not kept), every method
// still runs, twice, and keeps its promise. (Held by reference, the methods read a freed communicator.)
TEST_P(TemporaryCommunicator, TheSynchronizerOutlivesTheCommunicatorItWasBuiltFrom) {
  mpi::Synchronizer synchronizer(bmpi::communicator(world, bmpi::comm_duplicate), options());
  (void)synchronizer.run(clock);
  CorrectedClock again(local);
  const auto outcome = synchronizer.run(again);
  const auto readings = mpi::probe_shared_instant(world, again, reference, Nanoseconds{20'000'000});
  if (world.rank() != 0) return;
  ASSERT_EQ(outcome.rounds.size(), 2U);
  test::expect_within_stated_bounds(outcome, readings);
}

INSTANTIATE_TEST_SUITE_P(AllMethods, TemporaryCommunicator,
                         ::testing::Values(SyncMethod::collective, SyncMethod::pingpong, SyncMethod::tree));

using BareSync = EveryMethod;

// Without a report nothing is stated; the independent audit is the claim, and the clocks must have been
// corrected: far closer than before (the coarse cap), and each one moved where its offset was large.
TEST_P(BareSync, WithoutAReportTheClocksStillAgreeAndTheOutcomeIsEmpty) {
  mpi::SyncOptions options = EveryMethod::options();
  options.report = false;
  mpi::Synchronizer synchronizer(world, options);
  (void)synchronizer.run(clock);  // twice: what the first run kept must not leak into the second
  CorrectedClock again(local);
  const auto outcome = synchronizer.run(again);
  const auto audits = mpi::audit_offsets(world, again, 8);
  const auto readings = mpi::probe_shared_instant(world, again, reference, Nanoseconds{20'000'000});
  if (world.rank() != 0) return;
  EXPECT_TRUE(outcome.rounds.empty());
  EXPECT_TRUE(outcome.first_estimates.empty());
  EXPECT_TRUE(outcome.offset_bounds_ns.empty());
  EXPECT_FALSE(outcome.bound_from_master(0, readings[0].raw_ns).has_value());  // nothing stated
  test::expect_audits_hold_the_truth(audits, readings);
  const Nanoseconds cap = test::coarse_cap(drawn_spread(world.size()));
  for (int r = 1; r < world.size(); ++r) {
    EXPECT_LE(std::abs((readings[r].corrected_ns - readings[0].corrected_ns).count()), cap.count()) << "rank " << r;
    // an uncorrected clock this far from rank 0 would be far outside the cap
    if (std::abs((offset_of_rank(r) - offset_of_rank(0)).count()) > cap.count()) {
      EXPECT_NE(readings[r].corrected_ns, readings[r].raw_ns) << "rank " << r;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllMethods, BareSync,
                         ::testing::Values(SyncMethod::collective, SyncMethod::pingpong, SyncMethod::tree));

TEST_F(Synchronize, AFarOutlierIsExcludedButStillCorrected) {
  const int outlier = world.size() - 1;
  const Nanoseconds offset =
      world.rank() == outlier && world.size() >= 3 ? 10 * kSecond : Nanoseconds{world.rank() * 1'000};
  const SimulatedClock outlying(reference, SimulatedClockParams{offset, 0.0}, reference.now());
  CorrectedClock corrected(outlying);
  const auto outcome = mpi::synchronize(world, corrected, sync_options(1, kSecond));
  const auto readings = mpi::probe_shared_instant(world, corrected, reference, Nanoseconds{20'000'000});
  if (world.rank() != 0) return;

  const bool has_outlier = world.size() >= 3;
  const std::size_t expected_averaged = static_cast<std::size_t>(world.size()) - (has_outlier ? 1 : 0);
  EXPECT_EQ(outcome.rounds[0].clocks_averaged, expected_averaged);
  EXPECT_EQ(outcome.excluded[static_cast<std::size_t>(outlier)], has_outlier);
  test::expect_within_stated_bounds(outcome, readings);  // the excluded clock too: it was still corrected
}

// A clock that runs backwards (each reading 1 ms before the last) proves empty intervals in the collective's
// exchanges. Rank 0 must not give up on the round while the others wait in its scatter: that rank is left
// without an estimate (uncorrected, excluded) and every rank finishes the sync.
using testing_support::BackwardsClock;

TEST_F(Synchronize, ACollectiveRankWhoseClockRunsBackwardsIsLeftOutNotAHang) {
  const int backwards = world.size() - 1;
  const BackwardsClock runs_back;
  const bool mine_runs_back = world.size() >= 2 && world.rank() == backwards;
  CorrectedClock corrected(mine_runs_back ? static_cast<const Clock&>(runs_back) : local);
  const auto outcome = mpi::synchronize(world, corrected, sync_options(1, 2 * kSecond));
  std::vector<std::int64_t> applied;
  bmpi::gather(world, corrected.correction_at(corrected.underlying().now()).count(), applied, 0);
  if (world.rank() != 0 || world.size() < 2) return;
  const auto b = static_cast<std::size_t>(backwards);
  ASSERT_EQ(outcome.first_estimates.size(), static_cast<std::size_t>(world.size()));
  EXPECT_FALSE(outcome.first_estimates[b].has_value());
  EXPECT_TRUE(outcome.excluded[b]);
  EXPECT_EQ(outcome.rounds[0].clocks_averaged, static_cast<std::size_t>(world.size() - 1));
  for (std::size_t r = 0; r < b; ++r) EXPECT_TRUE(outcome.first_estimates[r].has_value()) << "rank " << r;
  EXPECT_EQ(applied[b], 0) << "the rank without an estimate is left as it is";
}

}  // namespace
}  // namespace berkeley
