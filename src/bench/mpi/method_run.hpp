#pragma once
// Runs one sync method many times from fresh clocks and measures the slowest rank's sync time; then a
// few more times, each followed by the true spread of the synchronized clocks just after and some time later.
#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <vector>

#include "core/time.hpp"
#include "sync/sync_method.hpp"

namespace berkeley::mpi::bench {

struct MethodRunOptions {
  SyncMethod method = SyncMethod::collective;
  int syncs = 100;  // timed syncs (the median sync time)
  int probes = 10;  // further syncs whose true spread is probed just after and later_ns after (each waits later_ns)
  int node_size = 0;
  Nanoseconds later_ns{std::chrono::seconds(1)};
  bool simulated = false;  // false: each rank's MPI_Wtime
};

struct MethodFigures {
  SyncMethod method = SyncMethod::collective;
  Nanoseconds median_sync_time_ns{0};           // a bare sync (SyncOptions::report false)
  Nanoseconds median_reported_sync_time_ns{0};  // with the outcome built, as berkeley_mpi syncs
  // MPI_Gather+MPI_Scatter timed just before each sync (slowest rank, median): the ratio's floor
  Nanoseconds median_floor_ns{0};
  Nanoseconds median_spread_after_ns{0};
  Nanoseconds median_spread_later_ns{0};
  Nanoseconds max_spread_after_ns{0};
  std::vector<Nanoseconds> sync_times_ns;     // every timed sync, in order
  std::vector<Nanoseconds> spreads_after_ns;  // every probed sync, in order
  // per probed sync: the bound the sync states on its spread (SyncOutcome::bound_from_master, two largest),
  // and the widest read window of its shared-instant reads (0 where the truth is computed, not read)
  std::vector<Nanoseconds> spread_bounds_ns;
  std::vector<Nanoseconds> probe_read_windows_ns;
  // How the true spread was known. Simulated clocks: exactly. MPI_Wtime: as a calibrated shift of the
  // shared CLOCK_MONOTONIC (truth_bound_ns: the largest bound on any rank's shift, from calibrations
  // before and after the syncs that agreed), or, where a rank's MPI_Wtime is not such a shift, from
  // reads bracketed by CLOCK_MONOTONIC at the instant (truth_calibrated false).
  bool truth_calibrated = false;
  Nanoseconds truth_bound_ns{0};
};

// Collective. Rank 0 gets the figures.
[[nodiscard]] MethodFigures run_method(const boost::mpi::communicator& comm, const MethodRunOptions& options);

}  // namespace berkeley::mpi::bench
