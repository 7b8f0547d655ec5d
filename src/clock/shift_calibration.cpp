#include "clock/shift_calibration.hpp"

#include <algorithm>
#include <limits>

namespace berkeley {

std::optional<ShiftCalibration> calibrate_shift(const Clock& clock, const Clock& reference, int reads,
                                                Nanoseconds spacing_ns, Nanoseconds slack_ns) {
  if (reads <= 0) return std::nullopt;
  // shift ∈ [value − after, value − before] for every read; the true shift lies in all of them
  Nanoseconds low{std::numeric_limits<Nanoseconds::rep>::min()};
  Nanoseconds high{std::numeric_limits<Nanoseconds::rep>::max()};
  for (int i = 0; i < reads; ++i) {
    const ClockReading before = reference.now();
    const ClockReading value = clock.now();
    const ClockReading after = reference.now();
    low = std::max(low, value - after - slack_ns);
    high = std::min(high, value - before + slack_ns);
    if (low > high) return std::nullopt;  // no one shift explains every read
    const ClockReading next = after + spacing_ns;
    while (reference.now() < next) {
    }
  }
  return ShiftCalibration{low + (high - low) / 2, (high - low + Nanoseconds{1}) / 2, reads};
}

}  // namespace berkeley
