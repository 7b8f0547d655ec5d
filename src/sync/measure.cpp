#include "sync/measure.hpp"

#include <stdexcept>

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
    PeerEstimate& estimate = estimates[member].emplace();
    estimate.best = e;
    estimate.median_round_trip_ns = e.round_trip_ns;
    estimate.samples_used = 1;
  }
  return estimates;
}

namespace {

// a later burst must beat the best by more than this fraction to count as better (while no floor is known)
constexpr double kBetterBy = 0.25;

// The master's clock over a round: at its first exchange and at the latest.
struct RoundClock {
  std::optional<ClockReading> first_ns;
  ClockReading last_ns{};
};

// One filter's worth of exchanges with `member`; nullopt if it stopped answering. With `deadline_ns` (a
// burst of patience) it also ends once the master's clock passes it.
std::optional<PeerEstimate> burst(GroupChannel& channel, int member, const PingPongPolicy& policy, RoundClock& round,
                                  std::optional<ClockReading> deadline_ns = std::nullopt) {
  MinRttFilter filter(policy);
  while (!filter.done()) {
    const std::optional<OffsetSample> sample = channel.exchange(member);
    if (!sample) return std::nullopt;
    if (!round.first_ns) round.first_ns = sample->t_send_ns;
    round.last_ns = sample->t_recv_ns;
    filter.add(*sample);
    if (deadline_ns && round.last_ns >= *deadline_ns) break;
  }
  return filter.estimate();
}

// Patience: measures `member` again while its best is not quiet, within the round's budget (the round has
// made at least one exchange: `best` came from it).
void wait_for_quiet(GroupChannel& channel, int member, const PingPongPolicy& policy, const QuietFloors& floors,
                    PeerEstimate& best, RoundClock& round) {
  const Patience& patience = policy.patience;
  const ClockReading deadline = *round.first_ns + patience.budget_ns;
  for (;;) {
    const bool floor_known = floors.floor_of(member).has_value();
    if (floors.quiet(member, best.best.round_trip_ns, patience.quiet_factor, patience.quiet_slack_ns)) return;
    if (round.last_ns >= deadline) {
      best.patience_ran_out = true;
      return;
    }
    channel.pause(patience.pause_ns);
    const std::optional<PeerEstimate> next = burst(channel, member, policy, round, deadline);
    if (!next) return;  // it stopped answering: keep what it gave
    const double better_than = (1.0 - kBetterBy) * static_cast<double>(best.best.round_trip_ns.count());
    const bool clearly_better = static_cast<double>(next->best.round_trip_ns.count()) < better_than;
    best.samples_used += next->samples_used;
    ++best.bursts;
    if (next->best.round_trip_ns < best.best.round_trip_ns) {
      best.best = next->best;
      best.median_round_trip_ns = next->median_round_trip_ns;
    }
    if (!floor_known && !clearly_better) return;  // its own bursts agree: that is its path's floor
  }
}

}  // namespace

GroupEstimates measure_pingpong(GroupChannel& channel, const PingPongPolicy& policy, QuietFloors* floors) {
  GroupEstimates estimates(static_cast<std::size_t>(channel.size()));
  estimates[0] = PeerEstimate{};
  if (channel.size() > 1) channel.prepare(1);
  RoundClock round;
  const bool patient = floors != nullptr && policy.patience.budget_ns > Nanoseconds{0};
  for (int member = 1; member < channel.size(); ++member) {
    if (member + 1 < channel.size()) channel.prepare(member + 1);  // it gets ready while this one is measured
    std::optional<PeerEstimate> best = burst(channel, member, policy, round);
    if (best && patient) wait_for_quiet(channel, member, policy, *floors, *best, round);
    if (best && floors != nullptr) floors->learn(member, best->best.round_trip_ns);
    channel.release(member);
    estimates[static_cast<std::size_t>(member)] = best;
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
  workspace.member_tolerances.assign(estimates.size(), tolerance_ns);
  berkeley_step_over(estimates, workspace.member_tolerances, out, workspace);
}

void berkeley_step_over(const GroupEstimates& estimates, const std::vector<Nanoseconds>& tolerances_ns, GroupStep& out,
                        StepWorkspace& workspace) {
  if (tolerances_ns.size() != estimates.size()) {
    throw std::invalid_argument("berkeley_step_over: one tolerance per member is needed");
  }
  std::vector<Nanoseconds>& offsets = workspace.offsets;
  std::vector<Nanoseconds>& tolerances = workspace.tolerances;
  std::vector<std::size_t>& member_of = workspace.member_of;
  offsets.clear();
  tolerances.clear();
  member_of.clear();
  out.answered.assign(estimates.size(), false);
  for (std::size_t m = 0; m < estimates.size(); ++m) {
    out.answered[m] = estimates[m].has_value();
    if (!estimates[m]) continue;
    offsets.push_back(estimates[m]->best.offset_ns);
    tolerances.push_back(tolerances_ns[m]);
    member_of.push_back(m);
  }
  if (member_of.size() == estimates.size()) {  // everyone answered (always, over MPI): the step is the group's
    berkeley_step(offsets, tolerances, out.step, workspace.scratch);
    return;
  }
  berkeley_step(offsets, tolerances, workspace.answered, workspace.scratch);
  const BerkeleyStep& answered_step = workspace.answered;
  out.step.median_offset_ns = answered_step.median_offset_ns;
  out.step.average_offset_ns = answered_step.average_offset_ns;
  out.step.clocks_averaged = answered_step.clocks_averaged;
  out.step.one_clock_influence_ns = answered_step.one_clock_influence_ns;
  out.step.corrections_ns.assign(estimates.size(), Nanoseconds{0});
  out.step.excluded.assign(estimates.size(), true);
  for (std::size_t i = 0; i < member_of.size(); ++i) {
    out.step.corrections_ns[member_of[i]] = answered_step.corrections_ns[i];
    out.step.excluded[member_of[i]] = answered_step.excluded[i];
  }
}

}  // namespace berkeley
