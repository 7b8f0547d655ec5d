#include "transport/mpi/messages.hpp"

namespace berkeley::mpi {

MemberEstimate member_estimate(int world_rank, const std::optional<PeerEstimate>& estimate) {
  MemberEstimate m;
  m.world_rank = world_rank;
  if (!estimate) return m;
  m.measured = 1;
  m.offset_ns = estimate->best.offset_ns.count();
  m.uncertainty_ns = estimate->best.uncertainty_ns.count();
  m.round_trip_ns = estimate->best.round_trip_ns.count();
  m.median_round_trip_ns = estimate->median_round_trip_ns.count();
  m.local_midpoint_ns = reading_ns(estimate->best.local_midpoint_ns);
  m.samples_used = estimate->samples_used;
  m.averaged_exchanges = estimate->averaged_exchanges;
  m.bursts = estimate->bursts;
  m.patience_ran_out = estimate->patience_ran_out ? 1 : 0;
  return m;
}

std::optional<PeerEstimate> peer_estimate(const MemberEstimate& m) {
  if (m.measured == 0) return std::nullopt;
  PeerEstimate e;
  e.best.offset_ns = Nanoseconds{m.offset_ns};
  e.best.uncertainty_ns = Nanoseconds{m.uncertainty_ns};
  e.best.round_trip_ns = Nanoseconds{m.round_trip_ns};
  e.best.local_midpoint_ns = at_ns(m.local_midpoint_ns);
  e.median_round_trip_ns = Nanoseconds{m.median_round_trip_ns};
  e.samples_used = static_cast<int>(m.samples_used);
  e.averaged_exchanges = static_cast<int>(m.averaged_exchanges);
  e.bursts = static_cast<int>(m.bursts);
  e.patience_ran_out = m.patience_ran_out != 0;
  return e;
}

LinearCorrectionMessage linear_correction_message(const LinearCorrection& c) {
  return {c.offset_ns.count(), c.rate_ppm, reading_ns(c.anchor_ns)};
}

LinearCorrection linear_correction(const LinearCorrectionMessage& m) {
  return {Nanoseconds{m.offset_ns}, m.rate_ppm, at_ns(m.anchor_ns)};
}

}  // namespace berkeley::mpi
