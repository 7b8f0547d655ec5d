#include "transport/sim/group_round.hpp"

#include <algorithm>

#include "transport/sim/sim_truth.hpp"

namespace berkeley::sim {

GroupEstimates measure_group(SimGroupChannel& channel, LevelMethod method, const PingPongPolicy& policy) {
  switch (method) {
    case LevelMethod::collective:
      return measure_collective(channel);
    case LevelMethod::pingpong:
      return measure_pingpong(channel, policy);
  }
  return {};
}

std::vector<CorrectionMessage> corrections_for(const std::vector<int>& group, const std::vector<bool>& answered,
                                               const std::vector<Nanoseconds>& corrections_ns) {
  std::vector<CorrectionMessage> messages;
  messages.reserve(group.size());
  for (std::size_t m = 1; m < group.size(); ++m) {
    const auto id = static_cast<std::size_t>(group[m]);
    if (answered[id]) messages.push_back(CorrectionMessage{group[m], corrections_ns[id]});
  }
  return messages;
}

void finish_round(const SimNetwork& network, const GroupStep& step, TrueInstant end, SimSyncResult& result) {
  std::vector<int> answered;
  answered.reserve(step.answered.size());
  for (std::size_t id = 0; id < step.answered.size(); ++id) {
    if (step.answered[id]) answered.push_back(static_cast<int>(id));
  }
  result.participants = network.participants();
  result.answered = static_cast<int>(answered.size());
  result.clocks_averaged = step.step.clocks_averaged;
  result.busiest = network.busiest();
  result.spread_before_ns = true_spread(network, answered, kSimulationStart, ClockState::raw);
  result.spread_after_ns = true_spread(network, answered, end, ClockState::corrected);
}

}  // namespace berkeley::sim
