// MPI tests of the collective Berkeley round. Every expectation is computed from the communicator size,
// so the same test holds at 1, 2, 3, 4 and 7 ranks.
#include <gtest/gtest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>

#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "transport/mpi/group_channel.hpp"
#include "transport/mpi/instant_probe.hpp"
#include "transport/mpi/synchronize.hpp"
#include "transport/mpi/topology.hpp"

namespace berkeley {
namespace {

namespace bmpi = boost::mpi;
constexpr Nanoseconds kSecond{1'000'000'000};
// generous: a loaded, oversubscribed 2-core machine can deschedule a rank for milliseconds
constexpr Nanoseconds kLoadedMachineBound{5'000'000};

mpi::SyncOptions sync_options(int rounds, Nanoseconds tolerance) {
  mpi::SyncOptions options;
  options.rounds = rounds;
  options.tolerance_ns = tolerance;
  return options;
}

Nanoseconds offset_of_rank(int rank) { return draw_simulated_clock(11, static_cast<std::uint64_t>(rank), kSecond, 0).offset_ns; }

TEST(CollectiveRound, MasterGetsOneEstimatePerRankEachWithinItsBound) {
  const bmpi::communicator world;
  const MonotonicClock reference;
  const SimulatedClock clock(reference, SimulatedClockParams{offset_of_rank(world.rank()), 0.0}, reference.now());
  if (world.rank() != 0) {
    mpi::answer_collective(world, clock);
    return;
  }
  mpi::MpiGroupChannel channel(world, clock);
  const GroupEstimates estimates = measure_collective(channel);
  ASSERT_EQ(estimates.size(), static_cast<std::size_t>(world.size()));
  ASSERT_TRUE(estimates[0].has_value());
  EXPECT_EQ(estimates[0]->best.offset_ns, Nanoseconds{0});
  for (int r = 1; r < world.size(); ++r) {
    ASSERT_TRUE(estimates[r].has_value()) << "rank " << r;
    const Nanoseconds truth = offset_of_rank(r) - offset_of_rank(0);
    const Nanoseconds error = estimates[r]->best.offset_ns - truth;
    EXPECT_LE(std::abs(error.count()), estimates[r]->best.uncertainty_ns.count() + 1) << "rank " << r;
    EXPECT_GT(estimates[r]->best.round_trip_ns, Nanoseconds{0});
  }
}

class Delivery : public ::testing::TestWithParam<SyncMethod> {};

TEST_P(Delivery, EveryRankReceivesItsOwnSignedRecord) {
  const bmpi::communicator world;
  mpi::TopologyOptions options;
  options.method = GetParam();
  options.virtual_node_size = 2;
  const auto topology = mpi::make_topology(world, options);
  // two values per rank, signs alternating, distinct per rank
  auto record = [](int r) { return std::vector<std::int64_t>{r % 2 == 0 ? -1'000 * r - 7 : 1'000 * r, r + 1}; };
  std::vector<std::int64_t> all;
  for (int r = 0; r < world.size(); ++r) {
    const auto v = record(r);
    all.insert(all.end(), v.begin(), v.end());
  }
  const std::vector<std::int64_t> none;
  const std::span<const std::int64_t> got = topology->deliver(world.rank() == 0 ? all : none, 2);
  EXPECT_EQ(std::vector<std::int64_t>(got.begin(), got.end()), record(world.rank()));
}

INSTANTIATE_TEST_SUITE_P(AllMethods, Delivery,
                         ::testing::Values(SyncMethod::collective, SyncMethod::pingpong, SyncMethod::tree));

TEST(Synchronize, CorrectedClocksAgreeAtOneSharedInstant) {
  const bmpi::communicator world;
  const MonotonicClock reference;
  const SimulatedClock local(reference, SimulatedClockParams{offset_of_rank(world.rank()), 0.0}, reference.now());
  CorrectedClock clock(local);
  const auto outcome = mpi::synchronize(world, clock, sync_options(2, 2 * kSecond));
  const auto readings = mpi::probe_shared_instant(world, clock, reference, Nanoseconds{20'000'000});
  if (world.rank() != 0) return;

  ASSERT_EQ(outcome.rounds.size(), 2U);
  EXPECT_EQ(outcome.rounds[0].clocks_averaged, static_cast<std::size_t>(world.size()));
  ASSERT_EQ(readings.size(), static_cast<std::size_t>(world.size()));
  // the truth: the mean of the drawn offsets is where every clock must land
  std::int64_t sum = 0;
  for (int r = 0; r < world.size(); ++r) sum += (offset_of_rank(r) - offset_of_rank(0)).count();
  const Nanoseconds agreed = readings[0].raw_ns + Nanoseconds{sum / world.size()};
  for (int r = 0; r < world.size(); ++r) {
    const Nanoseconds residual = readings[r].corrected_ns - agreed;
    EXPECT_LE(std::abs(residual.count()), kLoadedMachineBound.count()) << "rank " << r;
    // the correction undid the drawn offset: it has the opposite sign of the offset from the average
    const Nanoseconds from_average = readings[r].raw_ns - agreed;
    const Nanoseconds correction = readings[r].corrected_ns - readings[r].raw_ns;
    if (std::abs(from_average.count()) > kLoadedMachineBound.count()) {
      EXPECT_EQ(correction < Nanoseconds{0}, from_average > Nanoseconds{0}) << "rank " << r;
    }
  }
}

TEST(Synchronize, AFarOutlierIsExcludedButStillCorrected) {
  const bmpi::communicator world;
  const int outlier = world.size() - 1;
  const Nanoseconds offset = world.rank() == outlier && world.size() >= 3 ? 10 * kSecond : Nanoseconds{world.rank() * 1'000};
  const MonotonicClock reference;
  const SimulatedClock local(reference, SimulatedClockParams{offset, 0.0}, reference.now());
  CorrectedClock clock(local);
  const auto outcome = mpi::synchronize(world, clock, sync_options(1, kSecond));
  const auto readings = mpi::probe_shared_instant(world, clock, reference, Nanoseconds{20'000'000});
  if (world.rank() != 0) return;

  const bool has_outlier = world.size() >= 3;
  const std::size_t expected_averaged = static_cast<std::size_t>(world.size()) - (has_outlier ? 1 : 0);
  EXPECT_EQ(outcome.rounds[0].clocks_averaged, expected_averaged);
  EXPECT_EQ(outcome.excluded[static_cast<std::size_t>(outlier)], has_outlier);
  for (int r = 1; r < world.size(); ++r) {
    EXPECT_LE(std::abs((readings[r].corrected_ns - readings[0].corrected_ns).count()), kLoadedMachineBound.count())
        << "rank " << r;
  }
}

// Ranks decide per node how to wait (busy with a core each, polite when oversubscribed), so in a job over
// several nodes they differ. The delivery must still be one collective that every rank joins the same way:
// here odd ranks spin and even ranks sleep, as two kinds of node would.
class MixedWaiting : public ::testing::TestWithParam<SyncMethod> {};

TEST_P(MixedWaiting, RanksThatWaitDifferentlyStillMeetInOneDelivery) {
  const bmpi::communicator world;
  const MonotonicClock reference;
  const SimulatedClock local(reference, SimulatedClockParams{offset_of_rank(world.rank()), 0.0}, reference.now());
  CorrectedClock clock(local);
  mpi::SyncOptions options = sync_options(2, 2 * kSecond);
  options.method = GetParam();
  options.virtual_node_size = 2;
  options.waiting = world.rank() % 2 == 1 ? mpi::Waiting::busy : mpi::Waiting::polite;
  const auto outcome = mpi::synchronize(world, clock, options);
  const auto readings = mpi::probe_shared_instant(world, clock, reference, Nanoseconds{20'000'000});
  if (world.rank() != 0) return;
  ASSERT_EQ(outcome.rounds.size(), 2U);
  for (int r = 1; r < world.size(); ++r) {
    EXPECT_LE(std::abs((readings[r].corrected_ns - readings[0].corrected_ns).count()), kLoadedMachineBound.count())
        << "rank " << r;
  }
}

INSTANTIATE_TEST_SUITE_P(PingpongAndTree, MixedWaiting, ::testing::Values(SyncMethod::pingpong, SyncMethod::tree));

}  // namespace
}  // namespace berkeley
