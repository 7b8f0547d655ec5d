// The collective method over MPI (transport/mpi/collective_method.hpp): the single fused gather/scatter
// exchange step by step, and many rounds of it (and of several exchanges) without walking away.
#include <gtest/gtest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <thread>

#include "sync_claims.hpp"
#include "sync_fixtures.hpp"
#include "transport/mpi/audit.hpp"
#include "transport/mpi/instant_probe.hpp"

namespace berkeley {
namespace {

using namespace test;
namespace bmpi = boost::mpi;

// The single-exchange two-leg round, step by step through the method: rank 0 learns lower bounds, every
// rank refines its correction from its own two readings, and finish() brings those readings to rank 0,
// which finishes the estimates.
TEST(CollectiveRound, LowerBoundsThenEveryRankFinishesAnEstimateWithinItsBound) {
  const bmpi::communicator world;
  const MonotonicClock reference;
  const SimulatedClock clock(reference, SimulatedClockParams{offset_of_rank(world.rank()), 0.0}, reference.now());
  auto truth = [](std::size_t r) { return offset_of_rank(static_cast<int>(r)) - offset_of_rank(0); };
  const auto method = mpi::make_method(world, single_exchange());
  EXPECT_FALSE(method->estimates_final());
  const GroupEstimates& measured = method->measure(clock);

  // rank 0 sends each rank minus its lower bound (as if the average were 0): each should land on rank 0's clock
  std::vector<RoundRecord> rounds(world.rank() == 0 ? 1 : 0);
  GroupStep sent;  // rank 0: only the corrections are read
  if (world.rank() == 0) {
    // EXPECTs, not ASSERTs, until the collectives below are done: returning here would hang the others
    EXPECT_EQ(measured.size(), static_cast<std::size_t>(world.size()));
    for (std::size_t r = 0; r < static_cast<std::size_t>(world.size()); ++r) {
      const bool known = r < measured.size() && measured[r].has_value();
      EXPECT_TRUE(known) << "rank " << r;
      if (known) {
        EXPECT_LE(measured[r]->best.offset_ns, truth(r)) << "rank " << r << ": not a lower bound";
      }
      sent.step.corrections_ns.emplace_back(known ? -measured[r]->best.offset_ns.count() : 0);
    }
    rounds[0].estimates = measured;
    rounds[0].step.step.corrections_ns.assign(static_cast<std::size_t>(world.size()), Nanoseconds{0});
  } else {
    EXPECT_TRUE(measured.empty());
  }
  const Nanoseconds applied = method->deliver_corrections(sent);
  std::vector<std::int64_t> all_applied;
  bmpi::gather(world, applied.count(), all_applied, 0);
  method->finish(true, rounds);
  if (world.rank() != 0) return;

  EXPECT_EQ(applied, Nanoseconds{0});  // rank 0's lower bound of itself is exactly 0
  const GroupEstimates& final_estimates = rounds[0].estimates;
  for (std::size_t r = 1; r < final_estimates.size(); ++r) {
    ASSERT_TRUE(final_estimates[r].has_value()) << "rank " << r;
    const OffsetEstimate& e = final_estimates[r]->best;
    EXPECT_LE(std::abs((e.offset_ns - truth(r)).count()), e.uncertainty_ns.count()) << "rank " << r;
    EXPECT_GT(e.round_trip_ns, Nanoseconds{0}) << "rank " << r;
    EXPECT_GE(e.offset_ns, measured[r]->best.offset_ns) << "rank " << r << ": the estimate is below the lower bound";
    // finish() brought back what the rank really applied, and that put it within its bound of rank 0's clock
    EXPECT_EQ(rounds[0].step.step.corrections_ns[r], Nanoseconds{all_applied[r]}) << "rank " << r;
    EXPECT_LE(std::abs((truth(r) + Nanoseconds{all_applied[r]}).count()), e.uncertainty_ns.count()) << "rank " << r;
  }
}

// Several rounds through the method, 100 ms apart, each rank correcting its clock as it goes: finish()
// rebuilds every round's estimate from rank 0's reading of that round and the ranks' own readings. A
// reading of another round would be 100 ms or more off, outside any bound a round reaches (a round trip
// of 100 ms is far beyond what a loaded machine gives: ~2 ms under a CPU hog on every core).
TEST(CollectiveRound, EveryRoundsEstimateIsRebuiltWithinItsBound) {
  constexpr int kRounds = 3;
  constexpr auto kApart = std::chrono::milliseconds(100);
  const bmpi::communicator world;
  const MonotonicClock reference;
  const SimulatedClock local(reference, SimulatedClockParams{offset_of_rank(world.rank()), 0.0}, reference.now());
  CorrectedClock clock(local);
  const auto method = mpi::make_method(world, single_exchange());
  std::vector<RoundRecord> rounds(world.rank() == 0 ? kRounds : 0);
  std::vector<std::vector<std::int64_t>> applied_by_round;  // rank 0: what every rank applied, round by round
  for (int k = 0; k < kRounds; ++k) {
    if (k > 0) std::this_thread::sleep_for(kApart);
    const GroupEstimates& measured = method->measure(clock);
    GroupStep sent;  // rank 0: only the corrections are read
    if (world.rank() == 0) {
      for (const auto& e : measured)
        sent.step.corrections_ns.emplace_back(e ? -e->best.offset_ns.count() : 0);  // land on rank 0's clock
      rounds[k].estimates = measured;
      rounds[k].step.step.corrections_ns.assign(measured.size(), Nanoseconds{0});
    }
    const Nanoseconds applied = method->deliver_corrections(sent);
    clock.apply(applied);
    std::vector<std::int64_t> all;
    bmpi::gather(world, applied.count(), all, 0);
    applied_by_round.push_back(all);
  }
  method->finish(true, rounds);
  if (world.rank() != 0) return;

  for (int k = 0; k < kRounds; ++k) {
    // one estimate per rank in every round (at 1 rank: rank 0's own, exactly 0, and nothing applied)
    ASSERT_EQ(rounds[k].estimates.size(), static_cast<std::size_t>(world.size())) << "round " << k;
    ASSERT_TRUE(rounds[k].estimates[0].has_value());
    EXPECT_EQ(rounds[k].estimates[0]->best.offset_ns, Nanoseconds{0});
    EXPECT_EQ(applied_by_round[k][0], 0) << "round " << k;
  }
  for (std::size_t r = 1; r < static_cast<std::size_t>(world.size()); ++r) {
    // the truth in round k: the drawn offset plus what the rank (and not rank 0, which applies 0) applied before
    Nanoseconds truth = offset_of_rank(static_cast<int>(r)) - offset_of_rank(0);
    for (int k = 0; k < kRounds; ++k) {
      ASSERT_TRUE(rounds[k].estimates[r].has_value()) << "round " << k << " rank " << r;
      const OffsetEstimate& e = rounds[k].estimates[r]->best;
      EXPECT_LE(std::abs((e.offset_ns - truth).count()), e.uncertainty_ns.count()) << "round " << k << " rank " << r;
      // coarse cap: a bound this wide could not tell the rounds apart
      EXPECT_LT(e.uncertainty_ns, Nanoseconds{kApart} / 2) << "round " << k << " rank " << r;
      EXPECT_EQ(rounds[k].step.step.corrections_ns[r], Nanoseconds{applied_by_round[k][r]}) << "round " << k;
      truth += Nanoseconds{applied_by_round[k][r]};
    }
  }
}

// With one exchange rank 0 averages lower bounds, which lie below the estimates: without carrying each
// round's shift into the next, the group would walk back by it round after round (about 24 × a few µs
// here, ms when loaded).
// With several exchanges rank 0 averages finished estimates, and the group's mean stays put by construction.
class CollectiveExchanges : public ::testing::TestWithParam<int>, protected DrawnClocks {};

TEST_P(CollectiveExchanges, ManyRoundsDoNotWalkAwayFromTheAverage) {
  constexpr int kRounds = 24;
  mpi::SyncOptions options = sync_options(kRounds, 2 * kSecond);
  options.collective.max_exchanges = GetParam();
  const auto outcome = mpi::synchronize(world, clock, options);
  const auto readings = mpi::probe_shared_instant(world, clock, reference, Nanoseconds{20'000'000});
  if (world.rank() != 0) return;

  std::int64_t offsets = 0;
  std::int64_t corrected = 0;
  for (int r = 0; r < world.size(); ++r) {
    offsets += (offset_of_rank(r) - offset_of_rank(0)).count();
    corrected += (readings[r].corrected_ns - readings[0].raw_ns).count();
  }
  // where the group is, against where the average of the clocks is. Berkeley moves every clock by the
  // average minus its own estimate (rank 0's: 0), so the group's mean moves only by what was averaged
  // minus the mean estimate: in the collective, minus the mean shift each rank carries into the next round
  // (see collective_method.cpp). Over the rounds that telescopes to the last round's mean shift alone,
  // each rank's at most its bound, whatever the estimates' errors; + 1 ns of integer rounding per round.
  // The walk it prevents adds up a shift of every round.
  // A clock left out of a round's average (from round 2 on, one measured much worse than the majority:
  // sync/synchronized_tolerance) moves the mean by its correction / n: at most the round's largest, each.
  const Nanoseconds walked{(corrected - offsets) / world.size()};
  const Nanoseconds last = outcome.rounds.back().max_uncertainty_ns;
  std::int64_t left_out_moves = 0;
  for (const RoundSummary& round : outcome.rounds) {
    left_out_moves +=
        static_cast<std::int64_t>(round.clocks_excluded) * round.max_abs_correction_ns.count() / world.size() + 1;
  }
  EXPECT_LE(std::abs(walked.count()), last.count() + kRounds + 1 + left_out_moves)
      << "last round's widest bound " << last.count() << " ns, clocks left out moved it by up to " << left_out_moves
      << " ns";
  test::expect_within_stated_bounds(outcome, readings);
}

INSTANTIATE_TEST_SUITE_P(SingleAndSeveral, CollectiveExchanges, ::testing::Values(1, 8));

}  // namespace
}  // namespace berkeley
