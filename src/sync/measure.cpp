#include "sync/measure.hpp"

namespace berkeley {

GroupEstimates measure_collective(RequestAllChannel& channel) {
  CollectiveReadings got;
  channel.request_all(got);
  GroupEstimates estimates(static_cast<std::size_t>(channel.size()));
  estimates[0] = PeerEstimate{};
  for (std::size_t member = 1; member < estimates.size(); ++member) {
    const std::optional<ClockReading>& reading = got.readings_ns[member];
    if (!reading) continue;
    const OffsetEstimate e = cristian_estimate(OffsetSample{got.t_send_ns, *reading, got.t_recv_ns});
    estimates[member] = PeerEstimate{e, e.round_trip_ns, 1};
  }
  return estimates;
}

GroupEstimates measure_pingpong(GroupChannel& channel, const PingPongPolicy& policy) {
  GroupEstimates estimates(static_cast<std::size_t>(channel.size()));
  estimates[0] = PeerEstimate{};
  if (channel.size() > 1) channel.prepare(1);
  for (int member = 1; member < channel.size(); ++member) {
    if (member + 1 < channel.size()) channel.prepare(member + 1);  // it gets ready while this one is measured
    MinRttFilter filter(policy);
    bool answered = true;
    while (!filter.done()) {
      const std::optional<OffsetSample> sample = channel.exchange(member);
      if (!sample) {
        answered = false;
        break;
      }
      filter.add(*sample);
    }
    channel.release(member);
    if (answered) estimates[static_cast<std::size_t>(member)] = filter.estimate();
  }
  return estimates;
}

GroupStep berkeley_step_over(const GroupEstimates& estimates, Nanoseconds tolerance_ns) {
  GroupStep out;
  StepWorkspace workspace;
  berkeley_step_over(estimates, tolerance_ns, out, workspace);
  return out;
}

void berkeley_step_over(const GroupEstimates& estimates, Nanoseconds tolerance_ns, GroupStep& out,
                        StepWorkspace& workspace) {
  std::vector<Nanoseconds>& offsets = workspace.offsets;
  std::vector<std::size_t>& member_of = workspace.member_of;
  offsets.clear();
  member_of.clear();
  out.answered.assign(estimates.size(), false);
  for (std::size_t m = 0; m < estimates.size(); ++m) {
    out.answered[m] = estimates[m].has_value();
    if (!estimates[m]) continue;
    offsets.push_back(estimates[m]->best.offset_ns);
    member_of.push_back(m);
  }
  if (member_of.size() == estimates.size()) {  // everyone answered (always, over MPI): the step is the group's
    berkeley_step(offsets, tolerance_ns, out.step, workspace.scratch);
    return;
  }
  berkeley_step(offsets, tolerance_ns, workspace.answered, workspace.scratch);
  const BerkeleyStep& answered_step = workspace.answered;
  out.step.median_offset_ns = answered_step.median_offset_ns;
  out.step.average_offset_ns = answered_step.average_offset_ns;
  out.step.clocks_averaged = answered_step.clocks_averaged;
  out.step.corrections_ns.assign(estimates.size(), Nanoseconds{0});
  out.step.excluded.assign(estimates.size(), true);
  for (std::size_t i = 0; i < member_of.size(); ++i) {
    out.step.corrections_ns[member_of[i]] = answered_step.corrections_ns[i];
    out.step.excluded[member_of[i]] = answered_step.excluded[i];
  }
}

}  // namespace berkeley
