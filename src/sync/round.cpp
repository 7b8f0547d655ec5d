#include "sync/round.hpp"

namespace berkeley {

Nanoseconds run_round(RoundTransport& transport, Nanoseconds tolerance_ns, RoundWork& work, RoundRecord* record) {
  const auto started = record != nullptr ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  const GroupEstimates& estimates = transport.measure();
  const bool master = !estimates.empty();
  if (master)
    berkeley_step_over(estimates, work.tolerance.tolerances(estimates, tolerance_ns), work.step, work.workspace);
  const Nanoseconds mine = transport.deliver(master ? work.step : GroupStep{});
  if (master) work.tolerance.remember(estimates, work.step);
  if (master && record != nullptr) record_round(estimates, work.step, started, *record);
  return mine;
}

void record_round(const GroupEstimates& estimates, const GroupStep& step, std::chrono::steady_clock::time_point started,
                  RoundRecord& record) {
  record.duration_ns = std::chrono::duration_cast<Nanoseconds>(std::chrono::steady_clock::now() - started);
  record.estimates = estimates;
  record.step = step;
}

}  // namespace berkeley
