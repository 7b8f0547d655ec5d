#pragma once
// splitmix64 (Steele, Lea, Flood 2014): the one mixer of the project's reproducible random numbers (the
// simulated clocks' seeds, the simulation's counter-based streams). Platform-independent, unlike the
// std distributions. Pure.
#include <cstdint>

namespace berkeley {

inline constexpr std::uint64_t kSplitmixGamma = 0x9E3779B97F4A7C15ULL;

// splitmix64's output function of the state `x` (the value its generator returns after advancing to x)
[[nodiscard]] constexpr std::uint64_t splitmix64_mix(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// the generator: advances `state` by the gamma and returns the next value
[[nodiscard]] constexpr std::uint64_t splitmix64_next(std::uint64_t& state) {
  state += kSplitmixGamma;
  return splitmix64_mix(state);
}

// a stateless hash of `x`: the value a generator seeded with x returns first
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) { return splitmix64_mix(x + kSplitmixGamma); }

}  // namespace berkeley
