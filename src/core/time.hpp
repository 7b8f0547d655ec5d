#pragma once
// Time in berkeley_mpi is kept as signed 64-bit nanoseconds (std::chrono), never as double seconds:
// a double of seconds since the epoch resolves only ~240 ns.
#include <chrono>
#include <cstdint>

namespace berkeley {

using Nanoseconds = std::chrono::duration<std::int64_t, std::nano>;

// A clock reading: nanoseconds since that clock's own epoch. Same representation as a duration,
// named separately so signatures say which one they mean.
using ClockReading = Nanoseconds;

}  // namespace berkeley
