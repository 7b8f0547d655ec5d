#include "core/interval_audit.hpp"

#include <algorithm>
#include <stdexcept>

namespace berkeley {

AuditEstimate intersect_intervals(std::span<const OffsetSample> samples) {
  if (samples.empty()) throw std::invalid_argument("intersect_intervals: no samples");
  Nanoseconds low = Nanoseconds::min();
  Nanoseconds high = Nanoseconds::max();
  for (const OffsetSample& s : samples) {
    low = std::max(low, s.t_remote_ns - s.t_recv_ns);
    high = std::min(high, s.t_remote_ns - s.t_send_ns);
  }
  AuditEstimate audit;
  audit.samples = static_cast<int>(samples.size());
  audit.consistent = low <= high;
  if (!audit.consistent) std::swap(low, high);  // report the gap between them, flagged
  audit.residual_ns = low + (high - low) / 2;
  audit.uncertainty_ns = (high - low + Nanoseconds{1}) / 2;  // rounded up: the midpoint is rounded down
  return audit;
}

}  // namespace berkeley
