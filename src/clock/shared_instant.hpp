#pragma once
// Reading a clock at one shared physical instant. On one host every process sees the same
// CLOCK_MONOTONIC, so "when the monotonic clock shows T" is one instant for all ranks; the spread of the
// clocks read there is the true precision of the group.
#include <optional>
#include <vector>

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

// One rank's clock at the shared instant, before (raw) and after (corrected) its correction.
struct InstantObservation {
  ClockReading raw_ns{};
  ClockReading corrected_ns{};
  Nanoseconds read_window_ns{0};
  // the same at later instants (e.g. +1 s, +10 s): known without waiting only for clocks whose value is
  // a known function of the reference (simulated); nullopt otherwise
  std::vector<std::optional<ClockReading>> later_raw_ns;
  std::vector<std::optional<ClockReading>> later_corrected_ns;
};

}  // namespace berkeley
