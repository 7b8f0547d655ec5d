#include "core/two_leg_estimate.hpp"

#include <algorithm>

namespace berkeley {

Nanoseconds two_leg_lower_bound(ClockReading member_sent_ns, ClockReading master_gathered_ns) {
  return member_sent_ns - master_gathered_ns;
}

OffsetEstimate two_leg_estimate(const TwoLegSample& sample) {
  const Nanoseconds lower = two_leg_lower_bound(sample.member_sent_ns, sample.master_gathered_ns);
  const Nanoseconds upper = sample.member_received_ns - sample.master_scattered_ns;
  // upper < lower only if a clock ran backwards or the rates differ over a sub-ns interval: width 0
  const Nanoseconds width = std::max(upper - lower, Nanoseconds{0});
  const Nanoseconds master_span = sample.master_scattered_ns - sample.master_gathered_ns;
  return OffsetEstimate{lower + width / 2, (width + Nanoseconds{1}) / 2, width,
                        sample.master_gathered_ns + master_span / 2};
}

Nanoseconds two_leg_refinement(ClockReading member_sent_ns, ClockReading member_received_ns) {
  return std::max(member_received_ns - member_sent_ns, Nanoseconds{0}) / 2;
}

Nanoseconds two_leg_correction(Nanoseconds sent_ns, ClockReading member_sent_ns, ClockReading member_received_ns) {
  return sent_ns - two_leg_refinement(member_sent_ns, member_received_ns);
}

}  // namespace berkeley
