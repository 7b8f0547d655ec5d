#include "core/offset_estimate.hpp"

namespace berkeley {

OffsetEstimate cristian_estimate(const OffsetSample& sample) {
  const Nanoseconds round_trip = sample.round_trip();
  // midpoint written as t_send + rtt/2 so that two large readings are never added (no overflow)
  const ClockReading local_midpoint = sample.t_send_ns + round_trip / 2;
  // the offset lies in [t_remote − t_recv, t_remote − t_send]; with the midpoint rounded down, an odd round
  // trip puts the lower end ⌈rtt/2⌉ below the estimate: the bound is rounded up to cover both ends
  return OffsetEstimate{sample.t_remote_ns - local_midpoint, (round_trip + Nanoseconds{1}) / 2, round_trip,
                        local_midpoint};
}

}  // namespace berkeley
