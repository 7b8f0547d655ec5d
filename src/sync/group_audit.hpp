#pragma once
// The independent audit over any GroupChannel: after the rounds, re-measure every member's corrected clock
// against the master's with the interval-intersection estimator (core/interval_audit.hpp), which is not the
// min-RTT Cristian estimate the rounds used, so a wrong sync cannot vouch for itself.
#include <vector>

#include "core/interval_audit.hpp"
#include "sync/group_channel.hpp"

namespace berkeley {

// Per member (index 0: the master, exactly 0); nullopt for a member that gave no sample.
[[nodiscard]] std::vector<std::optional<AuditEstimate>> audit_group(GroupChannel& channel, int exchanges_per_member);

}  // namespace berkeley
