#include "core/offset_estimate.hpp"

namespace berkeley {

OffsetEstimate cristian_estimate(const OffsetSample& sample) {
  const Nanoseconds round_trip = sample.round_trip();
  // midpoint written as t_send + rtt/2 so that two large readings are never added (no overflow)
  const ClockReading local_midpoint = sample.t_send_ns + round_trip / 2;
  return OffsetEstimate{sample.t_remote_ns - local_midpoint, round_trip / 2, round_trip, local_midpoint};
}

}  // namespace berkeley
