#include "transport/tcp/member_clock.hpp"

#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"

namespace berkeley::tcp {

std::unique_ptr<Clock> make_member_clock(const MemberClockConfig& config, std::int64_t id, const Clock& reference) {
  if (config.kind == TcpClockKind::system) return std::make_unique<RealtimeClock>();
  const SimulatedClockParams params =
      draw_simulated_clock(config.seed, static_cast<std::uint64_t>(id), config.max_offset_ns, config.drift_ppm);
  return std::make_unique<SimulatedClock>(reference, params, reference.now());
}

}  // namespace berkeley::tcp
