// The flat round: the master (participant 0) measures every other participant itself, then sends each
// its correction.
#include <algorithm>
#include <numeric>

#include "transport/sim/group_round.hpp"
#include "transport/sim/sim_sync_rounds.hpp"

namespace berkeley::sim {

SimSyncResult run_flat_sync(SimNetwork& network, const SimSyncOptions& options) {
  std::vector<int> everyone(static_cast<std::size_t>(network.participants()));
  std::iota(everyone.begin(), everyone.end(), 0);
  const TrueInstant start{0};
  SimGroupChannel channel(network, everyone, start);
  const LevelMethod method = options.method == SimMethod::collective ? LevelMethod::collective : LevelMethod::pingpong;
  const GroupEstimates estimates = measure_group(channel, method, options.pingpong);
  const GroupStep step = berkeley_step_over(estimates, options.tolerance_ns);

  SimSyncResult result;
  result.method = options.method;
  result.node_level_ns = channel.now() - start;
  result.node_level_max_uncertainty_ns = largest_uncertainty(estimates);
  result.max_uncertainty_ns = result.node_level_max_uncertainty_ns;

  network.apply_correction(0, step.step.corrections_ns[0]);  // the master's own: no message
  const std::vector<CorrectionMessage> messages = corrections_for(everyone, step.answered, step.step.corrections_ns);
  const std::vector<TrueInstant> applied = deliver_corrections(network, 0, messages, channel.now());
  TrueInstant end = channel.now();
  for (const TrueInstant at : applied) end = std::max(end, at);
  result.delivery_ns = end - channel.now();
  finish_round(network, step, end, result);
  return result;
}

}  // namespace berkeley::sim
