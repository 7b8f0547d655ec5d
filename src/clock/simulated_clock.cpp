#include "clock/simulated_clock.hpp"

#include <cmath>

#include "core/splitmix64.hpp"

namespace berkeley {
namespace {

// uniform in [-1, 1] from the top 53 bits
double unit_symmetric(std::uint64_t& state) {
  const double u01 = static_cast<double>(splitmix64_next(state) >> 11) * 0x1.0p-53;
  return 2.0 * u01 - 1.0;
}

}  // namespace

SimulatedClockParams draw_simulated_clock(std::uint64_t seed, std::uint64_t rank, Nanoseconds max_offset_ns,
                                          double max_drift_ppm) {
  std::uint64_t state = seed;
  const std::uint64_t mixed = splitmix64_next(state) ^ (rank * 0xD1B54A32D192ED03ULL);
  state = mixed;
  SimulatedClockParams params;
  params.offset_ns = Nanoseconds{std::llround(unit_symmetric(state) * static_cast<double>(max_offset_ns.count()))};
  params.drift_ppm = unit_symmetric(state) * max_drift_ppm;
  return params;
}

SimulatedClock::SimulatedClock(const Clock& reference, SimulatedClockParams params, ClockReading anchor_ns)
    : reference_(reference), params_(params), anchor_ns_(anchor_ns) {}

ClockReading SimulatedClock::at_reference(ClockReading reference_ns) const {
  return reference_ns + params_.offset_ns + drift_over(reference_ns - anchor_ns_, params_.drift_ppm);
}

}  // namespace berkeley
