#include "transport/sim/sim_truth.hpp"

#include <algorithm>

namespace berkeley::sim {

Nanoseconds true_spread(const SimNetwork& network, std::span<const int> participants, TrueInstant at,
                        ClockState state) {
  if (participants.empty()) return Nanoseconds{0};
  ClockReading low = ClockReading::max();
  ClockReading high = ClockReading::min();
  for (const int id : participants) {
    const ClockReading value = state == ClockState::corrected ? network.read_clock(id, at) : network.raw_clock(id, at);
    low = std::min(low, value);
    high = std::max(high, value);
  }
  return high - low;
}

}  // namespace berkeley::sim
