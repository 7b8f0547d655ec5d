#pragma once
// Which clock a participant synchronizes, the same for every program (berkeley_mpi's ranks, the TCP master and
// its clients, the benchmarks), and the one factory that makes it. A simulated clock is drawn from (seed, id),
// so rank i of an MPI run and client i of a TCP session with the same seed get the same clock.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "clock/clock.hpp"

namespace berkeley {

enum class ClockKind {
  simulated,  // CLOCK_MONOTONIC + an offset and drift drawn from (seed, id); the default
  realtime,   // CLOCK_REALTIME, read only (nothing here ever sets a clock)
  monotonic,  // CLOCK_MONOTONIC: what most tracers stamp events with (one per host, shared by its processes)
  mpi_wtime,  // MPI_Wtime (Open MPI: seconds since each process's first call; differs per rank): MPI only
};

struct ClockChoice {
  ClockKind kind = ClockKind::simulated;
  std::uint64_t seed = 1;
  Nanoseconds max_offset_ns{std::chrono::seconds(1)};
  double drift_ppm = 0.0;
};

// "simulated", "realtime", "monotonic", "mpi_wtime"
[[nodiscard]] const char* clock_kind_name(ClockKind kind);

// The clock of participant `id` (0: the master). A simulated clock runs on `reference`, which must outlive
// it. ClockKind::mpi_wtime: what `mpi_wtime_clock` makes (the factory cannot reach MPI; throws
// std::invalid_argument without one).
[[nodiscard]] std::unique_ptr<Clock> make_clock(const ClockChoice& choice, std::uint64_t id, const Clock& reference,
                                                const std::function<std::unique_ptr<Clock>()>& mpi_wtime_clock = {});

}  // namespace berkeley
