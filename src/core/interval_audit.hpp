#pragma once
// The audit estimator: a different estimator from the min-RTT Cristian estimate used to sync, so a
// wrong sync cannot vouch for itself. Each exchange proves the remote − local offset lies in
// [t_remote − t_recv, t_remote − t_send]; the intersection of all those intervals holds the truth
// (Marzullo-style, with no faulty samples). Pure.
#include <span>

#include "core/offset_estimate.hpp"

namespace berkeley {

struct AuditEstimate {
  Nanoseconds residual_ns{0};     // midpoint of the intersection: remote − local
  Nanoseconds uncertainty_ns{0};  // half its width: the truth is within residual ± this
  bool consistent = true;         // false when the intervals do not overlap (a clock stepped mid-audit)
  int samples = 0;
};

// Needs at least one sample.
[[nodiscard]] AuditEstimate intersect_intervals(std::span<const OffsetSample> samples);

}  // namespace berkeley
