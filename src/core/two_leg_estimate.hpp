#pragma once
// The offset estimate of MPI's collective round, which has two legs and no request: every member reads
// its clock and joins MPI_Gather; the master reads its clock once the gather is complete, computes the
// corrections and joins MPI_Scatter; every member reads its clock once the scatter has delivered. All
// ranks enter the gather by program order, so the gather itself is the request.
//
// The member's first read happened before the master's read after the gather, and its second read after
// any master read taken before the scatter. That bounds the offset (member − master) on both sides:
//   lower = member_sent − master_gathered      upper = member_received − master_scattered
// The master only knows the lower bound when it computes the corrections; the interval's width needs the
// member's second reading. MPI's round reads the master's clock once and passes that reading as both: the
// bound then also spans the master's computing, which costs less than a second clock read on the critical
// path, and the width is the member's own t4 − t1, so the member refines its correction from its two
// readings alone (two_leg_refinement) and the master computes the whole estimate afterwards, for the report.
// Pure functions: no MPI.
#include "core/offset_estimate.hpp"

namespace berkeley {

struct TwoLegSample {
  ClockReading member_sent_ns;       // member, just before the gather
  ClockReading master_gathered_ns;   // master, once the gather is complete
  ClockReading master_scattered_ns;  // master, just before the scatter
  ClockReading member_received_ns;   // member, once the scatter has delivered
};

// What the master knows after the gather: the offset is at least this.
[[nodiscard]] Nanoseconds two_leg_lower_bound(ClockReading member_sent_ns, ClockReading master_gathered_ns);

// The member's estimate: the midpoint of [lower, upper], uncertainty half its width (rounded up, so the
// interval always holds the truth), round_trip its width (the time the messages and the member's wait took,
// the master's computing between its two reads excluded), local_midpoint the master's time midway between them.
[[nodiscard]] OffsetEstimate two_leg_estimate(const TwoLegSample& sample);

// Where the master reads its clock once for both legs (MPI's round: master_gathered = master_scattered),
// how far the estimate lies above the lower bound: half the width t4 − t1 (0 if negative). The master's
// reading cancels out, so the member finishes its correction without it and the scatter carries only the
// correction.
[[nodiscard]] Nanoseconds two_leg_refinement(ClockReading member_sent_ns, ClockReading member_received_ns);

// The correction the member applies (one master reading, as above). The master sent `sent_ns` = average −
// lower bound (the only offset it knew); the member replaces its lower bound by its estimate, so it lands on
// average − estimate like every other method's members.
[[nodiscard]] Nanoseconds two_leg_correction(Nanoseconds sent_ns, ClockReading member_sent_ns,
                                             ClockReading member_received_ns);

}  // namespace berkeley
