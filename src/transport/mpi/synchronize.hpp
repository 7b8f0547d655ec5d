#pragma once
// The library entry point: Berkeley synchronization of every rank of a communicator.
//
//   berkeley::MonotonicClock local;
//   berkeley::CorrectedClock clock(local);
//   berkeley::mpi::SyncOptions options;
//   options.method = berkeley::SyncMethod::pingpong;
//   auto outcome = berkeley::mpi::synchronize(world, clock, options);
//   clock.now();  // synchronized int64 ns, on every rank
//
// Collective: every rank of `comm` calls it with the same options. Rank 0 is the master.
#include <boost/mpi/communicator.hpp>
#include <functional>
#include <vector>

#include "clock/corrected_clock.hpp"
#include "report/run_report.hpp"
#include "sync/measure.hpp"
#include "sync/sync_method.hpp"

namespace berkeley::mpi {

struct SyncOptions {
  int rounds = 1;
  Nanoseconds tolerance_ns{std::chrono::seconds(1)};
  SyncMethod method = SyncMethod::collective;
  PingPongPolicy pingpong;
};

struct SyncOutcome {
  Nanoseconds my_total_correction_ns{0};  // every rank: what it applied to its clock, summed over rounds
  // rank 0 only (empty elsewhere):
  std::vector<RoundReport> rounds;
  GroupEstimates first_estimates;  // per rank, round 1: the offsets before any correction
  std::vector<bool> excluded;      // per rank, round 1
  std::vector<Nanoseconds> total_corrections_ns;
};

// Called on rank 0 after each round (for progress lines); may be empty.
using RoundObserver = std::function<void(const RoundReport&)>;

SyncOutcome synchronize(const boost::mpi::communicator& comm, CorrectedClock& clock, const SyncOptions& options,
                        const RoundObserver& on_round = {});

}  // namespace berkeley::mpi
