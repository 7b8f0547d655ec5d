#pragma once
// Reading a clock at one shared physical instant. On one host every process sees the same
// CLOCK_MONOTONIC, so "when the monotonic clock shows T" is one instant for all ranks; the spread of the
// clocks read there is the true precision of the group.
#include "clock/clock.hpp"

namespace berkeley {

struct InstantReading {
  ClockReading clock_ns;       // the clock's value at the instant, extrapolated from the bracketed read
  Nanoseconds read_window_ns;  // width of the reference bracket around the read: the error bound
};

// Waits until `reference` shows `instant_ns` (sleeping, then spinning the last stretch), then reads
// `clock` between two reference reads, retrying (bounded) if the read was preempted; the value is moved
// back by how late the read was, so lateness does not count as error. A clock that knows its exact value
// at the instant (simulated, see Clock::exact_at) gives that, with a window of 0.
[[nodiscard]] InstantReading read_at_instant(const Clock& clock, const Clock& reference, ClockReading instant_ns);

}  // namespace berkeley
