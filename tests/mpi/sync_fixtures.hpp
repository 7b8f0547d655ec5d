#pragma once
// What the MPI tests of the sync share: every rank's simulated clock drawn from a fixed seed, the options of a
// short sync, and the fixtures built on them. Every expectation is computed from the communicator size, so the
// same test holds at 1, 2, 3, 4 and 7 ranks.
#include <gtest/gtest.h>

#include <boost/mpi/communicator.hpp>
#include <vector>

#include "clock/corrected_clock.hpp"
#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "report/report_builder.hpp"
#include "transport/mpi/mpi_method.hpp"
#include "transport/mpi/synchronize.hpp"

namespace berkeley::test {

namespace bmpi = boost::mpi;
inline constexpr Nanoseconds kSecond{1'000'000'000};

inline mpi::SyncOptions sync_options(int rounds, Nanoseconds tolerance) {
  mpi::SyncOptions options;
  options.rounds = rounds;
  options.tolerance_ns = tolerance;
  return options;
}

inline Nanoseconds offset_of_rank(int rank) {
  return draw_simulated_clock(11, static_cast<std::uint64_t>(rank), kSecond, 0).offset_ns;
}

// the drawn offsets' span over `ranks` ranks: what the clocks differ by before a sync
inline Nanoseconds drawn_spread(int ranks) {
  std::vector<ClockReading> offsets;  // each clock at reference time 0: its offset
  for (int r = 0; r < ranks; ++r) offsets.push_back(ClockReading{offset_of_rank(r)});
  return spread_of(offsets);
}

// the collective's single fused exchange (--exchanges 1), whose rank 0 works from lower bounds
inline mpi::MethodOptions single_exchange() {
  mpi::MethodOptions options;
  options.collective.max_exchanges = 1;
  return options;
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

}  // namespace berkeley::test
