#pragma once
// berkeley_mpi as a library (find_package(berkeley_mpi), target berkeley_mpi::berkeley_mpi; README "Use it
// as a library"): synchronize the clocks of a communicator's ranks, read the agreed time, map timestamps to it.
//
//   berkeley::mpi::WtimeClock local;                     // this rank's own clock (or MonotonicClock)
//   berkeley::CorrectedClock clock(local);               // local + the correction a sync installs
//   const auto outcome = berkeley::mpi::synchronize(world, clock, berkeley::mpi::SyncOptions{});
//   clock.now();                                         // the group's agreed time, int64 ns
//   clock.to_global(t_local);                            // a timestamp taken on `local`, on the agreed time
//   outcome.bound_from_master(rank, at);                 // how far rank's clock may be from rank 0's (rank 0)
//
// After the run, an offsets file (berkeley_mpi --offsets) maps any participant's timestamps:
// berkeley::read_offsets_file(path) → ParticipantOffsets::mapping.to_global(local_ns) (docs/report-format.md).
#include "clock/clock_mapping.hpp"
#include "clock/corrected_clock.hpp"
#include "clock/monotonic_clock.hpp"
#include "clock/shared_instant.hpp"
#include "clock/simulated_clock.hpp"
#include "core/version.hpp"
#include "report/offsets_file.hpp"
#include "transport/mpi/audit.hpp"
#include "transport/mpi/instant_probe.hpp"
#include "transport/mpi/progress_waiting.hpp"
#include "transport/mpi/synchronize.hpp"
#include "transport/mpi/wtime_clock.hpp"
