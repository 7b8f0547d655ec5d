#pragma once
// Time in berkeley_mpi is kept as signed 64-bit nanoseconds (std::chrono), never as double seconds:
// a double of seconds since the epoch resolves only ~240 ns.
#include <chrono>
#include <cmath>
#include <cstdint>

namespace berkeley {

using Nanoseconds = std::chrono::duration<std::int64_t, std::nano>;

// A clock reading: a point on one clock's own time line, nanoseconds since that clock's epoch. Readings of a
// clock subtract to a duration and move by one; two readings do not add, and a reading is not a duration
// (an offset), so a mix-up does not compile. reading_ns(x) / at_ns(n) convert at the edges (messages, JSON).
struct LocalTimeline {};
using ClockReading = std::chrono::time_point<LocalTimeline, Nanoseconds>;
[[nodiscard]] constexpr ClockReading at_ns(std::int64_t ns) { return ClockReading{Nanoseconds{ns}}; }
[[nodiscard]] constexpr std::int64_t reading_ns(ClockReading reading) { return reading.time_since_epoch().count(); }

// Every stated bound assumes that no two clocks run more than this fraction apart: each clock keeps within
// 500 ppm of true time (as NTP assumes; crystal oscillators keep within tens of ppm). A measurement that
// refers to an unknown instant of a round trip, or two measurements taken some time apart, are then
// off by at most this fraction of that time.
inline constexpr double kMaxRelativeRate = 1e-3;

// How far a rate of `rate_ppm` moves a clock over `elapsed_ns` (rounded to the nearest ns).
[[nodiscard]] inline Nanoseconds drift_over(Nanoseconds elapsed_ns, double rate_ppm) {
  return Nanoseconds{std::llround(static_cast<double>(elapsed_ns.count()) * rate_ppm * 1e-6)};
}

}  // namespace berkeley
