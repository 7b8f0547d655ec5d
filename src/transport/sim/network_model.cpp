#include "transport/sim/network_model.hpp"

#include <cmath>
#include <stdexcept>

#include "transport/sim/sim_random.hpp"

namespace berkeley::sim {

ParticipantProfile draw_participant(const NetworkParams& params, std::uint64_t id) {
  ParticipantProfile profile;
  const double unit = 2.0 * random_unit(params.seed, RandomStream::link_asymmetry, id) - 1.0;  // in [-1, 1)
  const Nanoseconds asymmetry{std::llround(unit * static_cast<double>(params.asymmetry_ns.count()))};
  profile.uplink_ns = params.latency_ns / 2 + asymmetry / 2;
  profile.downlink_ns = params.latency_ns - profile.uplink_ns;
  profile.slow = random_unit(params.seed, RandomStream::slow, id) < params.slow_fraction;
  if (profile.slow) {
    profile.uplink_ns += params.slow_delay_ns;
    profile.downlink_ns += params.slow_delay_ns;
  }
  profile.silent = id != 0 && random_unit(params.seed, RandomStream::silent, id) < params.silent_fraction;
  profile.clock = draw_simulated_clock(params.seed, id, params.max_offset_ns, params.drift_ppm);
  return profile;
}

std::vector<ParticipantProfile> draw_participants(const NetworkParams& params, int participants) {
  if (participants < 1) throw std::invalid_argument("draw_participants: at least one participant is needed");
  std::vector<ParticipantProfile> profiles;
  profiles.reserve(static_cast<std::size_t>(participants));
  for (int id = 0; id < participants; ++id)
    profiles.push_back(draw_participant(params, static_cast<std::uint64_t>(id)));
  return profiles;
}

ParticipantProfile symmetric_participant(Nanoseconds latency_ns, SimulatedClockParams clock) {
  ParticipantProfile profile;
  profile.uplink_ns = latency_ns / 2;
  profile.downlink_ns = latency_ns - profile.uplink_ns;
  profile.clock = clock;
  return profile;
}

}  // namespace berkeley::sim
