#pragma once
// Pieces shared by the flat and the tree round over the simulation (internal to transport/sim).
#include <vector>

#include "sync/measure.hpp"
#include "transport/sim/correction_delivery.hpp"
#include "transport/sim/sim_group_channel.hpp"
#include "transport/sim/sim_sync.hpp"

namespace berkeley::sim {

enum class LevelMethod { collective, pingpong };

// the project's measurement of one group, unchanged
[[nodiscard]] GroupEstimates measure_group(SimGroupChannel& channel, LevelMethod method, const PingPongPolicy& policy);

// one correction message per participant of `group` (skipping its master, index 0) that has an estimate
[[nodiscard]] std::vector<CorrectionMessage> corrections_for(const std::vector<int>& group,
                                                             const std::vector<bool>& answered,
                                                             const std::vector<Nanoseconds>& corrections_ns);

// fills answered, clocks_averaged, busiest and both spreads, once every correction is applied at `end`
void finish_round(const SimNetwork& network, const GroupStep& step, TrueInstant end, SimSyncResult& result);

}  // namespace berkeley::sim
