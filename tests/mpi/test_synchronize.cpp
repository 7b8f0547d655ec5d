// The library entry point (transport/mpi/synchronize.hpp): every rank's claims against the truth, bare
// syncs, outliers, a clock that runs backwards, a Synchronizer that outlives its communicator, guests (members
// beyond the ranks that rank 0 measures and corrects in the same rounds: tests/mpi/fake_guests.hpp).
#include <gtest/gtest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "fake_guests.hpp"
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
  // a new run starts a new group: its first round judges every clock with the whole tolerance, whatever
  // the run before narrowed it to (the fresh clock reads its raw offset again)
  EXPECT_EQ(outcome.rounds[0].clocks_averaged, static_cast<std::size_t>(world.size()));
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
  std::int64_t sum = 0;
  for (int r = 0; r < world.size(); ++r) sum += offset_of_rank(r).count();
  const Nanoseconds average{sum / world.size()};
  for (int r = 1; r < world.size(); ++r) {
    EXPECT_LE(std::abs((readings[r].corrected_ns - readings[0].corrected_ns).count()), cap.count()) << "rank " << r;
    // a clock this far from the average had to move (rank 0 moves too: its distance from rank 0 says nothing)
    if (std::abs((offset_of_rank(r) - average).count()) > cap.count()) {
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

// Guests: rank 0 measures k in-process clocks (tests/mpi/fake_guests.hpp) in the same rounds as the ranks.
class WithGuests : public ::testing::TestWithParam<std::tuple<SyncMethod, int>>, protected DrawnClocks {
 protected:
  [[nodiscard]] mpi::SyncOptions options() const {
    mpi::SyncOptions options = sync_options(2, 2 * kSecond);
    options.method = std::get<0>(GetParam());
    options.virtual_node_size = 2;
    // two rounds with a pause: no drift correction (that needs 3), and the guests are served in between
    options.interval_ns = Nanoseconds{1'000'000};
    return options;
  }
  [[nodiscard]] int guests() const { return std::get<1>(GetParam()); }
  [[nodiscard]] std::size_t members() const { return static_cast<std::size_t>(world.size() + guests()); }
  // rank 0, after the sync: every guest's corrected clock at the shared instant is within the bound the sync
  // states for it of rank 0's (both read exactly: simulated clocks); a silent guest has no bound
  void expect_guests_within_stated_bounds(const mpi::SyncOutcome& outcome, FakeGuests& fake,
                                          const std::vector<InstantObservation>& readings,
                                          const std::vector<bool>& silent = {}) const {
    const std::vector<std::optional<InstantObservation>> read = fake.readings(readings.front());
    for (int g = 0; g < guests(); ++g) {
      const std::size_t m = static_cast<std::size_t>(world.size() + g);
      const std::optional<Nanoseconds> bound = outcome.bound_from_master(m, readings.front().raw_ns);
      if (static_cast<std::size_t>(g) < silent.size() && silent[static_cast<std::size_t>(g)]) {
        EXPECT_FALSE(bound.has_value()) << "guest " << g << ": nothing measured, nothing to state";
        continue;
      }
      ASSERT_TRUE(bound.has_value()) << "guest " << g << ": the sync states no bound";
      ASSERT_TRUE(read[static_cast<std::size_t>(g)].has_value());
      const Nanoseconds truth = read[static_cast<std::size_t>(g)]->corrected_ns - readings.front().corrected_ns;
      EXPECT_LE(std::abs(truth.count()), bound->count())
          << "guest " << g << ": " << truth.count() << " ns from rank 0, beyond the stated bound of " << bound->count()
          << " ns";
    }
  }
};

// One average over ranks + guests: every round averages all of them, each guest's first estimate holds its
// true offset from rank 0, and after the sync every rank and every guest is within its stated bound of rank 0.
TEST_P(WithGuests, OneAverageOverRanksAndGuestsAndEveryClockWithinItsStatedBound) {
  FakeGuests fake(clock, reference, guests());
  mpi::SyncOptions options = this->options();
  // on every rank: the others' are ignored (rank 0 alone measures guests)
  options.guests = &fake;
  const auto outcome = mpi::synchronize(world, clock, options);
  const auto readings = mpi::probe_shared_instant(world, clock, reference, Nanoseconds{20'000'000}, {},
                                                  [&](ClockReading instant) { fake.ask_to_read_at(instant); });
  if (world.rank() != 0) {
    EXPECT_EQ(fake.measures, 0);
    EXPECT_EQ(fake.waits, 0);
    return;
  }
  ASSERT_EQ(outcome.rounds.size(), 2U);
  // one average over ranks and guests in round 1; from round 2 on a member measured much worse than the
  // majority may be left out (sync/synchronized_tolerance: the load decides), never the majority
  EXPECT_EQ(outcome.rounds[0].clocks_averaged, members());
  EXPECT_LE(outcome.rounds[1].clocks_averaged, members());
  EXPECT_GT(2 * outcome.rounds[1].clocks_averaged, members());
  EXPECT_EQ(outcome.rounds_answered, std::vector<int>(members(), 2));
  ASSERT_EQ(outcome.first_estimates.size(), members());
  ASSERT_EQ(outcome.offset_bounds_ns.size(), members());
  EXPECT_EQ(fake.measures, 2);
  EXPECT_EQ(fake.waits, 1);
  EXPECT_EQ(fake.deliveries, std::vector<int>(static_cast<std::size_t>(guests()), 2));
  for (int g = 0; g < guests(); ++g) {
    const std::size_t m = static_cast<std::size_t>(world.size() + g);
    ASSERT_TRUE(outcome.first_estimates[m].has_value()) << "guest " << g;
    const OffsetEstimate& e = outcome.first_estimates[m]->best;
    const Nanoseconds truth = offset_of_guest(g) - offset_of_rank(0);  // round 1: nothing corrected yet
    EXPECT_LE(std::abs((e.offset_ns - truth).count()), e.uncertainty_ns.count()) << "guest " << g;
    EXPECT_FALSE(outcome.excluded[m]) << "guest " << g;
  }
  test::expect_within_stated_bounds(outcome, readings);
  expect_guests_within_stated_bounds(outcome, fake, readings);
}

// A guest that never answers is left out of every round (no correction, no bound); the ranks and the other
// guests finish the sync and keep their word.
TEST_P(WithGuests, AGuestThatDoesNotAnswerIsLeftOutAndTheOthersFinish) {
  const std::vector<bool> silent = [&] {
    std::vector<bool> s(static_cast<std::size_t>(guests()), false);
    s.back() = true;
    return s;
  }();
  FakeGuests fake(clock, reference, guests(), silent);
  mpi::SyncOptions options = this->options();
  if (world.rank() == 0) options.guests = &fake;
  const auto outcome = mpi::synchronize(world, clock, options);
  const auto readings = mpi::probe_shared_instant(world, clock, reference, Nanoseconds{20'000'000}, {},
                                                  [&](ClockReading instant) { fake.ask_to_read_at(instant); });
  if (world.rank() != 0) return;
  const std::size_t quiet = members() - 1;
  ASSERT_EQ(outcome.rounds.size(), 2U);
  // the silent guest is in no average; from round 2 on a member measured much worse than the majority may be
  // left out too (sync/synchronized_tolerance: the load decides), never the majority
  EXPECT_EQ(outcome.rounds[0].clocks_averaged, members() - 1);
  EXPECT_LE(outcome.rounds[1].clocks_averaged, members() - 1);
  EXPECT_GT(2 * outcome.rounds[1].clocks_averaged, members() - 1);
  std::vector<int> answered(members(), 2);
  answered[quiet] = 0;
  EXPECT_EQ(outcome.rounds_answered, answered);
  EXPECT_FALSE(outcome.first_estimates[quiet].has_value());
  EXPECT_TRUE(outcome.excluded[quiet]);
  EXPECT_EQ(fake.deliveries.back(), 0);  // never sent a correction
  test::expect_within_stated_bounds(outcome, readings);
  expect_guests_within_stated_bounds(outcome, fake, readings, silent);
}

// Drift correction with guests: five rounds 20 ms apart, the guests drifting ±30 ppm against ranks that do
// not. The guests are fitted with the ranks and sent one more offset at the end (their rate cannot be sent):
// each lands on the agreed time at the fit's reference and keeps its own rate, and its stated bound grows
// with it. At the shared instant and 1 s and 10 s later (exact: simulated clocks) every guest is within it.
TEST_P(WithGuests, WithDriftCorrectionEveryGuestStaysWithinItsGrowingBound) {
  constexpr double kGuestDriftPpm = 30.0;
  const std::vector<Nanoseconds> later{kSecond, 10 * kSecond};
  FakeGuests fake(clock, reference, guests(), {}, kGuestDriftPpm);
  fake.later_ns = later;
  mpi::SyncOptions options = this->options();
  options.rounds = 5;
  options.interval_ns = Nanoseconds{20'000'000};
  ASSERT_TRUE(options.corrects_drift());
  options.guests = &fake;
  const auto outcome = mpi::synchronize(world, clock, options);
  const auto readings = mpi::probe_shared_instant(world, clock, reference, Nanoseconds{20'000'000}, later,
                                                  [&](ClockReading instant) { fake.ask_to_read_at(instant); });
  if (world.rank() != 0) return;
  ASSERT_TRUE(outcome.drift.has_value());
  ASSERT_EQ(outcome.drift->ranks.size(), members());
  EXPECT_EQ(fake.final_corrections, 1);
  const std::vector<std::optional<InstantObservation>> read = fake.readings(readings.front());
  for (int g = 0; g < guests(); ++g) {
    const std::size_t m = static_cast<std::size_t>(world.size() + g);
    const RankDriftPlan& plan = outcome.drift->ranks[m];
    EXPECT_TRUE(plan.planned) << "guest " << g;
    EXPECT_FALSE(plan.rate_applied) << "guest " << g << ": a rate cannot be sent to a guest";
    // what the guest applied in all is the plan's offset
    EXPECT_EQ(fake.sent_ns[static_cast<std::size_t>(g)], plan.correction.offset_ns) << "guest " << g;
    // its fitted drift against rank 0 (no drift) is its true one within the fit's worst case
    EXPECT_LE(std::fabs(plan.fit.drift_ppm - drift_of_guest(g, kGuestDriftPpm)),
              plan.fit.drift_bound_ppm * (1 + kMaxRelativeRate) + 0.01)
        << "guest " << g << ": fitted " << plan.fit.drift_ppm << " +- " << plan.fit.drift_bound_ppm << " ppm";
    ASSERT_TRUE(read[static_cast<std::size_t>(g)].has_value());
    const InstantObservation& guest = *read[static_cast<std::size_t>(g)];
    const std::optional<Nanoseconds> now_bound = outcome.bound_from_master(m, readings.front().raw_ns);
    ASSERT_TRUE(now_bound.has_value()) << "guest " << g;
    EXPECT_LE(std::abs((guest.corrected_ns - readings.front().corrected_ns).count()), now_bound->count())
        << "guest " << g << " at the instant";
    for (std::size_t k = 0; k < later.size(); ++k) {
      ASSERT_TRUE(readings.front().later_raw_ns[k] && readings.front().later_corrected_ns[k]);
      const std::optional<Nanoseconds> bound = outcome.bound_from_master(m, *readings.front().later_raw_ns[k]);
      ASSERT_TRUE(bound.has_value());
      const Nanoseconds truth = *guest.later_corrected_ns[k] - *readings.front().later_corrected_ns[k];
      EXPECT_LE(std::abs(truth.count()), bound->count())
          << "guest " << g << " at +" << later[k].count() << " ns: " << truth.count() << " ns from rank 0";
    }
  }
  test::expect_within_stated_bounds(outcome, readings);
  for (std::size_t r = 0; r < readings.size(); ++r) {  // and the ranks at the later instants too
    for (std::size_t k = 0; k < later.size(); ++k) {
      const std::optional<Nanoseconds> bound = outcome.bound_from_master(r, *readings.front().later_raw_ns[k]);
      ASSERT_TRUE(bound.has_value() && readings[r].later_corrected_ns[k]) << "rank " << r;
      const Nanoseconds truth = *readings[r].later_corrected_ns[k] - *readings.front().later_corrected_ns[k];
      EXPECT_LE(std::abs(truth.count()), bound->count()) << "rank " << r << " at +" << later[k].count() << " ns";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(PingpongAndTree, WithGuests,
                         ::testing::Combine(::testing::Values(SyncMethod::pingpong, SyncMethod::tree),
                                            ::testing::Values(1, 3)),
                         [](const ::testing::TestParamInfo<std::tuple<SyncMethod, int>>& case_info) {
                           return std::string(sync_method_name(std::get<0>(case_info.param))) + "_" +
                                  std::to_string(std::get<1>(case_info.param)) + "_guests";
                         });

// With guests the collective method is refused on every rank alike (the others learn that rank 0 has
// guests): each rank throws, none is left waiting in a collective, and the next sync runs.
TEST_F(Synchronize, WithGuestsTheCollectiveMethodIsRefusedOnEveryRank) {
  mpi::SyncOptions collective = sync_options(1, 2 * kSecond);
  collective.method = SyncMethod::collective;
  const struct {
    mpi::SyncOptions options;
    std::string says;
  } cases[] = {{collective, "the collective method is MPI-only"}};
  for (const auto& c : cases) {
    FakeGuests fake(clock, reference, 1);
    mpi::SyncOptions options = c.options;
    if (world.rank() == 0) options.guests = &fake;
    bool refused = false;
    try {
      mpi::Synchronizer synchronizer(world, options);
    } catch (const std::invalid_argument& e) {
      refused = true;
      EXPECT_NE(std::string(e.what()).find(c.says), std::string::npos) << e.what();
    }
    EXPECT_TRUE(refused) << "rank " << world.rank() << ": " << c.says;
    EXPECT_EQ(fake.measures, 0);
    // nobody is left inside a collective: the same options without guests sync every rank
    const auto outcome = mpi::synchronize(world, clock, c.options);
    if (world.rank() == 0) {
      EXPECT_EQ(outcome.rounds.size(), static_cast<std::size_t>(c.options.rounds));
    }
  }
}

}  // namespace
}  // namespace berkeley
