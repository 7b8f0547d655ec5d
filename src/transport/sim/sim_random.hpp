#pragma once
// Counter-based random numbers for the simulation: a value depends only on (seed, stream, index), never on
// how many values were drawn before, so every draw is reproducible on its own and on every platform
// (splitmix64 mixing, no implementation-defined std distribution).
#include <cstdint>

#include "core/splitmix64.hpp"
#include "core/time.hpp"

namespace berkeley::sim {

// What a random value is for: each purpose draws from its own stream.
enum class RandomStream : std::uint64_t {
  link_asymmetry = 1,
  slow = 2,
  silent = 3,
  jitter = 4,
};

[[nodiscard]] constexpr std::uint64_t random_bits(std::uint64_t seed, RandomStream stream, std::uint64_t index) {
  return mix64(mix64(seed ^ (static_cast<std::uint64_t>(stream) * 0xD1B54A32D192ED03ULL)) ^ mix64(index));
}

// uniform in [0, 1), from the top 53 bits
[[nodiscard]] constexpr double random_unit(std::uint64_t seed, RandomStream stream, std::uint64_t index) {
  return static_cast<double>(random_bits(seed, stream, index) >> 11) * 0x1.0p-53;
}

// uniform in [0, max_ns], whole nanoseconds
[[nodiscard]] constexpr Nanoseconds random_duration(std::uint64_t seed, RandomStream stream, std::uint64_t index,
                                                    Nanoseconds max_ns) {
  if (max_ns <= Nanoseconds{0}) return Nanoseconds{0};
  const auto span = static_cast<std::uint64_t>(max_ns.count()) + 1;
  return Nanoseconds{static_cast<std::int64_t>(random_bits(seed, stream, index) % span)};
}

}  // namespace berkeley::sim
