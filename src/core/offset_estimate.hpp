#pragma once
// Offset of a remote clock against a local one, from one request/reply exchange.
// Pure functions: no MPI, no sockets, no I/O.
#include <span>

#include "core/time.hpp"

namespace berkeley {

// One exchange as seen by the local (master) side: it read its clock at t_send, the remote side read
// its clock at t_remote, and the local side read its clock again at t_recv once the reply was in.
struct OffsetSample {
  ClockReading t_send_ns;
  ClockReading t_remote_ns;
  ClockReading t_recv_ns;

  [[nodiscard]] Nanoseconds round_trip() const { return t_recv_ns - t_send_ns; }
};

// remote clock − local clock, with the half-width of the interval that must contain the truth
// (assuming the remote read happened somewhere between t_send and t_recv).
struct OffsetEstimate {
  Nanoseconds offset_ns{0};
  Nanoseconds uncertainty_ns{0};
  Nanoseconds round_trip_ns{0};
  ClockReading local_midpoint_ns{};  // the local time the estimate refers to (midpoint of the round trip)
};

// Cristian's estimate: the remote read is assumed to sit at the midpoint of the round trip.
// Every sample is compensated, the first one included.
[[nodiscard]] OffsetEstimate cristian_estimate(const OffsetSample& sample);

}  // namespace berkeley
