#include "transport/sim/sim_truth.hpp"

#include <vector>

#include "report/report_builder.hpp"

namespace berkeley::sim {

Nanoseconds true_spread(const SimNetwork& network, std::span<const int> participants, TrueInstant at,
                        ClockState state) {
  std::vector<ClockReading> values;
  values.reserve(participants.size());
  for (const int id : participants)
    values.push_back(state == ClockState::corrected ? network.read_clock(id, at) : network.raw_clock(id, at));
  return spread_of(values);
}

}  // namespace berkeley::sim
