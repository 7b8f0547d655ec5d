// The flat round: the master (participant 0) measures every other participant itself, then sends each
// its correction (sync/round.hpp's run_round).
#include <algorithm>
#include <numeric>

#include "sync/round.hpp"
#include "transport/sim/group_round.hpp"
#include "transport/sim/sim_sync_rounds.hpp"

namespace berkeley::sim {
namespace {

class FlatRound final : public RoundTransport {
 public:
  FlatRound(SimNetwork& network, const std::vector<int>& everyone, LevelMethod method, const PingPongPolicy& policy)
      : network_(network),
        everyone_(everyone),
        channel_(network, everyone, kSimulationStart),
        method_(method),
        policy_(policy) {}

  const GroupEstimates& measure() override {
    estimates_ = measure_group(channel_, method_, policy_);
    return estimates_;
  }
  Nanoseconds deliver(const GroupStep& step) override {
    const std::vector<CorrectionMessage> messages = corrections_for(everyone_, step.answered, step.step.corrections_ns);
    const std::vector<TrueInstant> applied = deliver_corrections(network_, 0, messages, channel_.now());
    end_ = channel_.now();
    for (const TrueInstant at : applied) end_ = std::max(end_, at);
    return step.step.corrections_ns[0];  // the master's own: no message
  }

  [[nodiscard]] TrueInstant measured() const { return channel_.now(); }
  [[nodiscard]] TrueInstant end() const { return end_; }

 private:
  SimNetwork& network_;
  const std::vector<int>& everyone_;
  SimGroupChannel channel_;
  LevelMethod method_;
  const PingPongPolicy& policy_;
  GroupEstimates estimates_;
  TrueInstant end_;
};

}  // namespace

SimSyncResult run_flat_sync(SimNetwork& network, const SimSyncOptions& options) {
  std::vector<int> everyone(static_cast<std::size_t>(network.participants()));
  std::iota(everyone.begin(), everyone.end(), 0);
  const LevelMethod method = options.method == SimMethod::collective ? LevelMethod::collective : LevelMethod::pingpong;
  FlatRound transport(network, everyone, method, options.pingpong);
  RoundWork work;
  RoundRecord record;
  network.apply_correction(0, run_round(transport, options.tolerance_ns, work, &record));

  SimSyncResult result;
  result.method = options.method;
  result.node_level_ns = transport.measured() - kSimulationStart;
  result.node_level_max_uncertainty_ns = largest_uncertainty(record.estimates);
  result.max_uncertainty_ns = result.node_level_max_uncertainty_ns;
  result.delivery_ns = transport.end() - transport.measured();
  finish_round(network, record.step, transport.end(), result);
  return result;
}

}  // namespace berkeley::sim
