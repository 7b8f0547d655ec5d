#include "transport/tcp/member_clock.hpp"

#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"

namespace berkeley::tcp {

std::unique_ptr<Clock> make_member_clock(TcpClockKind kind, std::uint64_t seed, std::int64_t id,
                                         Nanoseconds max_offset_ns, double drift_ppm, const Clock& reference) {
  if (kind == TcpClockKind::system) return std::make_unique<RealtimeClock>();
  const SimulatedClockParams params =
      draw_simulated_clock(seed, static_cast<std::uint64_t>(id), max_offset_ns, drift_ppm);
  return std::make_unique<SimulatedClock>(reference, params, reference.now());
}

}  // namespace berkeley::tcp
