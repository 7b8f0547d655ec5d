// Using berkeley_mpi as a library: synchronize the ranks' clocks, then timestamp events on a global clock.
//
//   mpirun -np 4 ./sync_example
//
// Every rank reads MPI_Wtime (which, in Open MPI, starts at each process's first call, so the ranks
// disagree by µs-ms). After berkeley::mpi::synchronize, `clock.now()` is the group's agreed time on
// every rank, as int64 nanoseconds; the OS clock is never touched.
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdlib>
#include <iostream>

#include "clock/corrected_clock.hpp"
#include "clock/monotonic_clock.hpp"
#include "clock/shared_instant.hpp"
#include "transport/mpi/synchronize.hpp"
#include "transport/mpi/wtime_clock.hpp"

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  const boost::mpi::communicator world;

  const berkeley::mpi::WtimeClock local;   // this rank's own clock
  berkeley::CorrectedClock clock(local);   // local + the correction synchronize() installs
  berkeley::mpi::SyncOptions options;
  options.method = berkeley::SyncMethod::pingpong;
  const auto outcome = berkeley::mpi::synchronize(world, clock, options);

  // Check it: all ranks read the global clock at one shared instant of CLOCK_MONOTONIC (same host only).
  const berkeley::MonotonicClock reference;
  std::int64_t instant = (reference.now() + std::chrono::milliseconds(20)).count();
  boost::mpi::broadcast(world, instant, 0);
  const auto local_at = berkeley::read_at_instant(local, reference, berkeley::Nanoseconds{instant});
  const std::int64_t global_ns = clock.corrected(local_at.clock_ns).count();
  std::int64_t lowest = 0;
  std::int64_t highest = 0;
  boost::mpi::reduce(world, global_ns, lowest, boost::mpi::minimum<std::int64_t>(), 0);
  boost::mpi::reduce(world, global_ns, highest, boost::mpi::maximum<std::int64_t>(), 0);
  if (world.rank() == 0) {
    std::cout << "sync_example: " << world.size() << " ranks, round took " << outcome.rounds.front().duration_ns.count()
              << " ns; global clocks agree within " << (highest - lowest) << " ns\n";
  }
  // fail loudly if the library did not do its job (1 ms is far above what it reaches on one host)
  bool ok = highest - lowest < 1'000'000;
  boost::mpi::broadcast(world, ok, 0);
  if (!ok && world.rank() == 0) std::cout << "sync_example: FAILED: the spread is not below 1 ms\n";
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
