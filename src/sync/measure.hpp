#pragma once
// How the group master measures every member's offset, over any GroupChannel.
#include <optional>
#include <vector>

#include "core/fault_tolerant_average.hpp"
#include "core/min_rtt_filter.hpp"
#include "sync/group_channel.hpp"
#include "sync/quiet_floors.hpp"

namespace berkeley {

// Per member, index 0 the master itself (offset 0, no round trip); nullopt for a member that did not answer.
using GroupEstimates = std::vector<std::optional<PeerEstimate>>;

// collective: one request to all, readings gathered; every estimate is bounded by the one interval
[[nodiscard]] GroupEstimates measure_collective(RequestAllChannel& channel);

// pingpong: one member at a time (never all at once, so no queueing lands inside a round trip),
// exchanges until the MinRttFilter is satisfied; the Cristian estimate of the smallest round trip.
// With `floors` and a patience budget (PingPongPolicy::patience): while a member's best round trip is not
// quiet against its path's floor, the master steps aside (GroupChannel::pause) and runs the filter again,
// until a quiet exchange appears or the round's budget is spent (the estimate then says so). Where the
// path's floor is not known yet, the member's own bursts settle it: measured again until a burst no
// longer beats the best by a quarter. Every member's best teaches `floors` for the rounds after.
[[nodiscard]] GroupEstimates measure_pingpong(GroupChannel& channel, const PingPongPolicy& policy,
                                              QuietFloors* floors = nullptr);

// The Berkeley step over the members that answered; a member that did not answer gets no correction
// (0) and counts as excluded.
struct GroupStep {
  BerkeleyStep step;  // per member, same indexing as the estimates
  std::vector<bool> answered;
};
[[nodiscard]] GroupStep berkeley_step_over(const GroupEstimates& estimates, Nanoseconds tolerance_ns);

// Buffers that a sync reuses from round to round and from one sync to the next, so that once they have
// grown the master allocates nothing between gathering the clocks and sending the corrections.
struct StepWorkspace {
  std::vector<Nanoseconds> offsets;
  std::vector<std::size_t> member_of;
  std::vector<Nanoseconds> scratch;
  std::vector<Nanoseconds> tolerances;         // of the members that answered
  std::vector<Nanoseconds> member_tolerances;  // one τ for every member
  BerkeleyStep answered;
};
// berkeley_step_over into `out`, reusing its buffers and the workspace's
void berkeley_step_over(const GroupEstimates& estimates, Nanoseconds tolerance_ns, GroupStep& out,
                        StepWorkspace& workspace);
// the same with a tolerance per member (same indexing as the estimates; sync/synchronized_tolerance)
void berkeley_step_over(const GroupEstimates& estimates, const std::vector<Nanoseconds>& tolerances_ns, GroupStep& out,
                        StepWorkspace& workspace);

}  // namespace berkeley
