#pragma once
// Whether a clock reading from a peer is close enough to ours to be used. Pure: no sockets.
#include <cstdint>

#include "core/time.hpp"

namespace berkeley::tcp {

// |value - around| <= limit. The difference is taken in unsigned arithmetic, so no input can overflow
// (a reading further than the limit is out of range: it could overflow the offset arithmetic downstream).
[[nodiscard]] inline bool within(ClockReading value, ClockReading around, Nanoseconds limit) {
  const auto a = static_cast<std::uint64_t>(reading_ns(value));
  const auto b = static_cast<std::uint64_t>(reading_ns(around));
  return (value >= around ? a - b : b - a) <= static_cast<std::uint64_t>(limit.count());
}

}  // namespace berkeley::tcp
