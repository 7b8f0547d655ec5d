#include "sync/group_audit.hpp"

namespace berkeley {

std::vector<std::optional<AuditEstimate>> audit_group(GroupChannel& channel, int exchanges_per_member) {
  std::vector<std::optional<AuditEstimate>> audits(static_cast<std::size_t>(channel.size()));
  audits[0] = AuditEstimate{Nanoseconds{0}, Nanoseconds{0}, true, exchanges_per_member};
  for (int member = 1; member < channel.size(); ++member) {
    std::vector<OffsetSample> samples;
    for (int i = 0; i < exchanges_per_member; ++i) {
      const std::optional<OffsetSample> sample = channel.exchange(member);
      if (!sample) break;  // not asked again: one silent member costs one timeout, not one per exchange
      samples.push_back(*sample);
    }
    channel.release(member);
    if (!samples.empty()) audits[static_cast<std::size_t>(member)] = intersect_intervals(samples);
  }
  return audits;
}

}  // namespace berkeley
