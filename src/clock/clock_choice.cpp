#include "clock/clock_choice.hpp"

#include <stdexcept>

#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"

namespace berkeley {

const char* clock_kind_name(ClockKind kind) {
  switch (kind) {
    case ClockKind::simulated:
      return "simulated";
    case ClockKind::realtime:
      return "realtime";
    case ClockKind::monotonic:
      return "monotonic";
    case ClockKind::mpi_wtime:
      return "mpi_wtime";
  }
  return "unknown";
}

std::unique_ptr<Clock> make_clock(const ClockChoice& choice, std::uint64_t id, const Clock& reference,
                                  const std::function<std::unique_ptr<Clock>()>& mpi_wtime_clock) {
  switch (choice.kind) {
    case ClockKind::simulated: {
      const SimulatedClockParams params = draw_simulated_clock(choice.seed, id, choice.max_offset_ns, choice.drift_ppm);
      return std::make_unique<SimulatedClock>(reference, params, reference.now());
    }
    case ClockKind::realtime:
      return std::make_unique<RealtimeClock>();
    case ClockKind::monotonic:
      return std::make_unique<MonotonicClock>();
    case ClockKind::mpi_wtime:
      if (!mpi_wtime_clock) throw std::invalid_argument("make_clock: MPI_Wtime needs the MPI transport's clock");
      return mpi_wtime_clock();
  }
  throw std::invalid_argument("make_clock: unknown clock kind");
}

}  // namespace berkeley
