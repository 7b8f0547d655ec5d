// MPI tests of the collective Berkeley round. Every expectation is computed from the communicator size,
// so the same test holds at 1, 2, 3, 4 and 7 ranks.
#include <gtest/gtest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <thread>

#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "sync_claims.hpp"
#include "transport/mpi/audit.hpp"
#include "transport/mpi/instant_probe.hpp"
#include "transport/mpi/mpi_method.hpp"
#include "transport/mpi/synchronize.hpp"

namespace berkeley {
namespace {

namespace bmpi = boost::mpi;
constexpr Nanoseconds kSecond{1'000'000'000};

mpi::SyncOptions sync_options(int rounds, Nanoseconds tolerance) {
  mpi::SyncOptions options;
  options.rounds = rounds;
  options.tolerance_ns = tolerance;
  return options;
}

Nanoseconds offset_of_rank(int rank) {
  return draw_simulated_clock(11, static_cast<std::uint64_t>(rank), kSecond, 0).offset_ns;
}

// the drawn offsets' span over `ranks` ranks: what the clocks differ by before a sync
Nanoseconds drawn_spread(int ranks) {
  std::vector<ClockReading> offsets;
  for (int r = 0; r < ranks; ++r) offsets.push_back(offset_of_rank(r));
  return spread_of(offsets);
}

// the collective's single fused exchange (--exchanges 1), whose rank 0 works from lower bounds
mpi::MethodOptions single_exchange() {
  mpi::MethodOptions options;
  options.collective.max_exchanges = 1;
  return options;
}

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

// The default collective, step by step: several gather/scatter exchanges in measure(), after which rank 0
// holds every rank's finished estimate (each rank's intersection of its exchanges); the corrections follow in
// their own scatter.
TEST(CollectiveRound, SeveralExchangesGiveRankZeroFinishedEstimatesWithinTheirBounds) {
  const bmpi::communicator world;
  const MonotonicClock reference;
  const SimulatedClock clock(reference, SimulatedClockParams{offset_of_rank(world.rank()), 0.0}, reference.now());
  auto truth = [](std::size_t r) { return offset_of_rank(static_cast<int>(r)) - offset_of_rank(0); };
  const auto method = mpi::make_method(world, mpi::MethodOptions{});
  EXPECT_TRUE(method->estimates_final());
  // every rank's exchanges lie between the two barriers, which rank 0 times
  const auto before = std::chrono::steady_clock::now();
  world.barrier();
  const GroupEstimates measured = method->measure(clock);
  world.barrier();
  const auto span = std::chrono::duration_cast<Nanoseconds>(std::chrono::steady_clock::now() - before);
  GroupStep sent;  // rank 0: only the corrections are read
  if (world.rank() == 0) {
    for (const auto& e : measured)
      sent.step.corrections_ns.emplace_back(e ? -e->best.offset_ns.count() : 0);  // land on rank 0's clock
  }
  const Nanoseconds applied = method->deliver_corrections(sent);
  std::vector<std::int64_t> all_applied;
  bmpi::gather(world, applied.count(), all_applied, 0);
  if (world.rank() != 0) {
    EXPECT_TRUE(measured.empty());
    return;
  }
  ASSERT_EQ(measured.size(), static_cast<std::size_t>(world.size()));
  ASSERT_TRUE(measured[0].has_value());
  EXPECT_EQ(measured[0]->best.offset_ns, Nanoseconds{0});
  EXPECT_EQ(applied, Nanoseconds{0});
  const int default_exchanges = CollectiveExchangePolicy{}.max_exchanges;
  for (std::size_t r = 1; r < measured.size(); ++r) {
    ASSERT_TRUE(measured[r].has_value()) << "rank " << r;
    const OffsetEstimate& e = measured[r]->best;
    EXPECT_LE(std::abs((e.offset_ns - truth(r)).count()), e.uncertainty_ns.count()) << "rank " << r;
    // never settled before the third exchange, never beyond the limit
    EXPECT_GE(measured[r]->samples_used, 3) << "rank " << r;
    EXPECT_LE(measured[r]->samples_used, default_exchanges) << "rank " << r;
    // the intersection is no wider than the narrowest single exchange, + what the clocks may move against
    // each other within the round (kMaxRelativeRate of its span, rounded up) + 1 ns of rounding
    const auto moved = Nanoseconds{static_cast<std::int64_t>(kMaxRelativeRate * static_cast<double>(span.count())) + 2};
    EXPECT_LE(e.uncertainty_ns, e.round_trip_ns / 2 + moved) << "rank " << r;
    // the rank applied exactly what rank 0 sent, which put it within its bound of rank 0's clock
    EXPECT_EQ(all_applied[r], sent.step.corrections_ns[r].count()) << "rank " << r;
    EXPECT_LE(std::abs((truth(r) + Nanoseconds{all_applied[r]}).count()), e.uncertainty_ns.count()) << "rank " << r;
  }
}

// Every rank's simulated clock, offset as drawn for it, and the clock the sync under test corrects.
class DrawnClocks {
 protected:
  const bmpi::communicator world;
  const MonotonicClock reference;
  const SimulatedClock local{reference, SimulatedClockParams{offset_of_rank(world.rank()), 0.0}, reference.now()};
  CorrectedClock clock{local};
};

class Synchronize : public ::testing::Test, protected DrawnClocks {};

// each method, two rounds, the tree in virtual nodes of 2
class EveryMethod : public ::testing::TestWithParam<SyncMethod>, protected DrawnClocks {
 protected:
  static mpi::SyncOptions options() {
    mpi::SyncOptions options = sync_options(2, 2 * kSecond);
    options.method = GetParam();
    options.virtual_node_size = 2;
    return options;
  }
};

class Delivery : public ::testing::TestWithParam<SyncMethod> {};

TEST_P(Delivery, EveryRankReceivesItsOwnSignedRecord) {
  const bmpi::communicator world;
  mpi::MethodOptions options;
  options.method = GetParam();
  options.virtual_node_size = 2;
  const auto method = mpi::make_method(world, options);
  // a typed message of mixed fields per rank, signs alternating, distinct per rank
  auto record = [](int r) {
    return mpi::LinearCorrectionMessage{r % 2 == 0 ? -1'000 * r - 7 : 1'000 * r, 0.5 * r - 1.25, r + 1};
  };
  std::vector<mpi::LinearCorrectionMessage> all;
  for (int r = 0; r < world.size(); ++r) all.push_back(record(r));
  const std::vector<mpi::LinearCorrectionMessage> none;
  const auto got = method->deliver<mpi::LinearCorrectionMessage>(world.rank() == 0 ? all : none);
  EXPECT_EQ(got.offset_ns, record(world.rank()).offset_ns);
  EXPECT_EQ(got.rate_ppm, record(world.rank()).rate_ppm);
  EXPECT_EQ(got.anchor_ns, record(world.rank()).anchor_ns);
}

INSTANTIATE_TEST_SUITE_P(AllMethods, Delivery,
                         ::testing::Values(SyncMethod::collective, SyncMethod::pingpong, SyncMethod::tree));

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
  const Nanoseconds agreed = readings[0].raw_ns + Nanoseconds{sum / world.size()};
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
  const Nanoseconds walked{(corrected - offsets) / world.size()};
  const Nanoseconds last = outcome.rounds.back().max_uncertainty_ns;
  EXPECT_LE(std::abs(walked.count()), last.count() + kRounds + 1)
      << "last round's widest bound " << last.count() << " ns";
  test::expect_within_stated_bounds(outcome, readings);
}

INSTANTIATE_TEST_SUITE_P(SingleAndSeveral, CollectiveExchanges, ::testing::Values(1, 8));

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
class BackwardsClock final : public Clock {
 public:
  [[nodiscard]] ClockReading now() const override { return ClockReading{kStart - 1'000'000 * ++reads_}; }

 private:
  static constexpr std::int64_t kStart = 1'000'000'000'000;
  mutable std::int64_t reads_ = 0;
};

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

// Ranks decide per node how to wait (busy with a core each, polite when oversubscribed), so in a job over
// several nodes they differ. The delivery must still be one collective that every rank joins the same way:
// here odd ranks spin and even ranks sleep, as two kinds of node would.
using MixedWaiting = EveryMethod;

TEST_P(MixedWaiting, RanksThatWaitDifferentlyStillMeetInOneDelivery) {
  mpi::SyncOptions options = EveryMethod::options();
  options.waiting = world.rank() % 2 == 1 ? mpi::Waiting::busy : mpi::Waiting::polite;
  const auto outcome = mpi::synchronize(world, clock, options);
  const auto readings = mpi::probe_shared_instant(world, clock, reference, Nanoseconds{20'000'000});
  if (world.rank() != 0) return;
  ASSERT_EQ(outcome.rounds.size(), 2U);
  test::expect_within_stated_bounds(outcome, readings);
}

INSTANTIATE_TEST_SUITE_P(PingpongAndTree, MixedWaiting, ::testing::Values(SyncMethod::pingpong, SyncMethod::tree));

}  // namespace
}  // namespace berkeley
