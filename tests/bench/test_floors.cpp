// The benchmark's floors (bench/mpi/floors.hpp): the median it reports (the upper one for an even count, 0 for
// none), and the floors themselves, which are timings: what is checked is what the code promises whatever the
// machine's speed. Every rank gets the same figures; a ping-pong floor exists only where there is a pair to time
// (0 alone); each collective runs over the communicator it is given (only half of the world calling it must
// not wait for the other half).
#include <gtest/gtest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/serialization/vector.hpp>
#include <cstdint>
#include <vector>

#include "bench/mpi/floors.hpp"

namespace berkeley {
namespace {

namespace bmpi = boost::mpi;
using mpi::bench::Floors;

std::vector<Nanoseconds> ns(std::initializer_list<std::int64_t> values) {
  std::vector<Nanoseconds> out;
  for (const std::int64_t v : values) out.emplace_back(v);
  return out;
}

TEST(MedianOf, IsZeroForNoValues) { EXPECT_EQ(mpi::bench::median_of({}), Nanoseconds{0}); }

TEST(MedianOf, IsTheMiddleValueOfAnOddCountInAnyOrder) {
  EXPECT_EQ(mpi::bench::median_of(ns({42})), Nanoseconds{42});
  EXPECT_EQ(mpi::bench::median_of(ns({30, 10, 20})), Nanoseconds{20});
  EXPECT_EQ(mpi::bench::median_of(ns({5, -7, 5, 100, 3})), Nanoseconds{5});
}

TEST(MedianOf, IsTheUpperOfTheTwoMiddleValuesOfAnEvenCount) {
  EXPECT_EQ(mpi::bench::median_of(ns({1, 2})), Nanoseconds{2});
  EXPECT_EQ(mpi::bench::median_of(ns({40, 10, 30, 20})), Nanoseconds{30});
  EXPECT_EQ(mpi::bench::median_of(ns({9, 9, 1, 1})), Nanoseconds{9});
}

// rank 0: every rank's figures are rank 0's
void expect_same_everywhere(const bmpi::communicator& comm, const Floors& floors) {
  const std::vector<std::int64_t> mine{floors.barrier_ns.count(), floors.gather_scatter_ns.count(),
                                       floors.half_min_rtt_ns.count()};
  std::vector<std::vector<std::int64_t>> all;
  bmpi::gather(comm, mine, all, 0);
  if (comm.rank() != 0) return;
  for (std::size_t r = 0; r < all.size(); ++r) EXPECT_EQ(all[r], mine) << "rank " << r << " got other figures";
}

TEST(MeasureFloors, EveryRankGetsTheSameFiguresAndAPingPongFloorOnlyWithAPair) {
  const bmpi::communicator world;
  const Floors floors = mpi::bench::measure_floors(world, 20);
  expect_same_everywhere(world, floors);
  EXPECT_GT(floors.barrier_ns, Nanoseconds{0});
  EXPECT_GT(floors.gather_scatter_ns, Nanoseconds{0});
  if (world.size() == 1) {
    EXPECT_EQ(floors.half_min_rtt_ns, Nanoseconds{0}) << "no pair to time";
  } else {
    EXPECT_GT(floors.half_min_rtt_ns, Nanoseconds{0});
  }
}

TEST(MeasureFloors, OneRepetitionIsEnough) {
  const bmpi::communicator world;
  const Floors floors = mpi::bench::measure_floors(world, 1);
  expect_same_everywhere(world, floors);
  EXPECT_GT(floors.gather_scatter_ns, Nanoseconds{0});
  EXPECT_EQ(floors.half_min_rtt_ns > Nanoseconds{0}, world.size() > 1);
}

// Only the even half of the world measures (over its own communicator) while the odd half waits at the
// barrier below: a floor that reached for the world would wait for the odd half forever.
TEST(MeasureFloors, RunsOverTheCommunicatorItIsGiven) {
  const bmpi::communicator world;
  const int color = world.rank() % 2;
  const bmpi::communicator half = world.split(color, world.rank());
  if (color == 0) {
    const Floors floors = mpi::bench::measure_floors(half, 5);
    expect_same_everywhere(half, floors);
    EXPECT_EQ(floors.half_min_rtt_ns > Nanoseconds{0}, half.size() > 1);
    EXPECT_GT(mpi::bench::time_gather_scatter(half), Nanoseconds{0});
  }
  MPI_Barrier(world);
}

TEST(TimeGatherScatter, EveryRankTimesItsOwnCall) {
  const bmpi::communicator world;
  for (int i = 0; i < 5; ++i) EXPECT_GT(mpi::bench::time_gather_scatter(world), Nanoseconds{0});
}

}  // namespace
}  // namespace berkeley
