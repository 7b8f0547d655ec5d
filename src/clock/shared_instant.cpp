#include "clock/shared_instant.hpp"

#include <thread>

namespace berkeley {
namespace {
constexpr Nanoseconds kSpinStretch{std::chrono::microseconds(300)};
constexpr Nanoseconds kAcceptableWindow{std::chrono::microseconds(2)};
constexpr int kMaxAttempts = 50;
}  // namespace

InstantReading read_at_instant(const Clock& clock, const Clock& reference, ClockReading instant_ns) {
  const Nanoseconds until = instant_ns - reference.now();
  if (until > kSpinStretch) std::this_thread::sleep_for(until - kSpinStretch);
  while (reference.now() < instant_ns) {
  }
  if (const std::optional<ClockReading> exact = clock.exact_at(reference, instant_ns)) return {*exact, Nanoseconds{0}};
  InstantReading best{ClockReading{}, Nanoseconds::max()};
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    const ClockReading before = reference.now();
    const ClockReading value = clock.now();
    const ClockReading after = reference.now();
    const Nanoseconds window = after - before;
    if (window < best.read_window_ns) {
      const ClockReading read_at = before + window / 2;
      best = InstantReading{value - (read_at - instant_ns), window};
    }
    if (window <= kAcceptableWindow) break;
  }
  return best;
}

}  // namespace berkeley
