#pragma once
// The Berkeley step: from every clock's offset against the master (the master's own is 0), compute the
// fault-tolerant average and the correction each clock must apply. Pure: no MPI, no sockets, no I/O.
#include <cstddef>
#include <span>
#include <vector>

#include "core/time.hpp"

namespace berkeley {

struct BerkeleyStep {
  // median of all offsets (midpoint of the two middle ones for an even count)
  Nanoseconds median_offset_ns{0};
  // mean of the offsets within tolerance of the median: the group's agreed time, as an offset
  // against the master's clock. Falls back to the median when no clock is within tolerance.
  Nanoseconds average_offset_ns{0};
  // per clock: average − offset; adding it to that clock makes it read the agreed time.
  // Signed: a clock ahead of the average gets a negative correction.
  std::vector<Nanoseconds> corrections_ns;
  // per clock: left out of the average (|offset − median| > tolerance). Excluded clocks are still corrected.
  std::vector<bool> excluded;
  std::size_t clocks_averaged = 0;
  // How far any one averaged clock moved the agreed time from the mean of the other averaged clocks:
  // (largest − smallest averaged offset) / clocks averaged (0 when fewer than two are averaged). A
  // participant that lies, but stays inside its tolerance, moved this round by at most this much.
  Nanoseconds one_clock_influence_ns{0};
};

// offsets_ns[i] = clock i − master clock; the master is one of them (its offset is 0 when it measures
// itself). Outliers are judged against the median of the group, never against the master, so an
// outlier master is left out of the average like any other clock. A clock exactly at the tolerance
// is kept. Requires at least one offset and tolerance ≥ 0.
[[nodiscard]] BerkeleyStep berkeley_step(std::span<const Nanoseconds> offsets_ns, Nanoseconds tolerance_ns);

// The same into `out`, reusing its buffers and `scratch` (for the median): a sync that runs round after
// round allocates nothing here once the buffers have grown.
void berkeley_step(std::span<const Nanoseconds> offsets_ns, Nanoseconds tolerance_ns, BerkeleyStep& out,
                   std::vector<Nanoseconds>& scratch);

// The same with a tolerance per clock (tolerances_ns[i] for offsets_ns[i], each ≥ 0): a clock further than
// its own tolerance from the median is left out. sync/synchronized_tolerance narrows the tolerance of a
// clock that was synchronized in the round before to what its measurements and drift allow.
void berkeley_step(std::span<const Nanoseconds> offsets_ns, std::span<const Nanoseconds> tolerances_ns,
                   BerkeleyStep& out, std::vector<Nanoseconds>& scratch);

}  // namespace berkeley
