// Using berkeley_mpi as a library: synchronize the ranks' clocks, then timestamp events on a global clock.
//
//   mpirun -np 4 ./sync_example
//
// Every rank reads MPI_Wtime (which, in Open MPI, starts at each process's first call, so the ranks
// disagree by µs-ms). After berkeley::mpi::synchronize, `clock.now()` is the group's agreed time on
// every rank, as int64 nanoseconds; the OS clock is never touched.
#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "clock/corrected_clock.hpp"
#include "clock/monotonic_clock.hpp"
#include "clock/shared_instant.hpp"
#include "transport/mpi/progress_waiting.hpp"
#include "transport/mpi/synchronize.hpp"
#include "transport/mpi/wtime_clock.hpp"

int main(int argc, char** argv) {
  berkeley::mpi::choose_progress_waiting(argc, argv);  // before MPI_Init: poll, or yield on a crowded node
  boost::mpi::environment env(argc, argv);
  const boost::mpi::communicator world;

  const berkeley::mpi::WtimeClock local;  // this rank's own clock
  berkeley::CorrectedClock clock(local);  // local + the correction synchronize() installs
  berkeley::mpi::SyncOptions options;
  options.method = berkeley::SyncMethod::pingpong;
  const auto outcome = berkeley::mpi::synchronize(world, clock, options);

  // Check it: all ranks read the global clock at one shared instant of CLOCK_MONOTONIC (same host only),
  // and rank 0 compares each with the bound the sync stated for that rank.
  const berkeley::MonotonicClock reference;
  std::int64_t instant_ns = berkeley::reading_ns(reference.now() + std::chrono::milliseconds(20));
  boost::mpi::broadcast(world, instant_ns, 0);
  const auto local_at = berkeley::read_at_instant(local, reference, berkeley::at_ns(instant_ns));
  const std::int64_t global_ns = berkeley::reading_ns(clock.corrected(local_at.clock_ns));
  std::vector<std::int64_t> globals;
  std::vector<std::int64_t> windows;  // how exactly each rank's read is known
  boost::mpi::gather(world, global_ns, globals, 0);
  boost::mpi::gather(world, local_at.read_window_ns.count(), windows, 0);
  bool ok = true;
  if (world.rank() == 0) {
    std::int64_t spread = 0;
    for (std::size_t r = 0; r < globals.size(); ++r) {
      const std::int64_t from_rank_0 = globals[r] - globals[0];
      spread = std::max(spread, std::abs(from_rank_0));
      // the promise: rank r within outcome.bound_from_master(r, ...) of rank 0 (the reads' windows allowed)
      const auto bound = outcome.bound_from_master(r, local_at.clock_ns);
      if (!bound || std::abs(from_rank_0) > bound->count() + windows[r] + windows[0]) {
        std::cout << "sync_example: FAILED: rank " << r << " is " << from_rank_0 << " ns from rank 0, beyond the "
                  << (bound ? std::to_string(bound->count()) + " ns" : std::string("missing")) << " bound stated\n";
        ok = false;
      }
    }
    std::cout << "sync_example: " << world.size() << " ranks, round took " << outcome.rounds.front().duration_ns.count()
              << " ns; every global clock within " << spread << " ns of rank 0's"
              << (ok ? ", each within the bound the sync stated for it\n" : "\n");
  }
  boost::mpi::broadcast(world, ok, 0);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
