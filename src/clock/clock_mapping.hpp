#pragma once
// From a participant's local clock to the group's agreed time, after a sync: what the offsets file
// (berkeley_mpi --offsets, docs/report-format.md) holds per participant, for correcting timestamps taken
// before, during or after the run (scripts/correct_trace.py does the same for a Chrome/Perfetto trace).
//
//   global(L) = L + offset + rate·(L − reference_local)
//   |true global(L) − global(L)| ≤ offset_uncertainty + rate_uncertainty·|L − reference_local| (+1 ns rounding)
#include <cmath>
#include <cstdint>
#include <optional>

#include "core/time.hpp"

namespace berkeley {

struct ClockMapping {
  ClockReading reference_local_ns{};  // the local clock at the reference instant (the run's shared instant)
  Nanoseconds offset_ns{0};           // agreed − local there
  std::optional<Nanoseconds> offset_uncertainty_ns;  // nullopt: nothing stated
  double rate_ppm = 0.0;                             // agreed − local grows by this per local second (× 1e-6)
  std::optional<double> rate_uncertainty_ppm;        // nullopt: the rate was not measured (no drift fit)

  // the agreed time at local reading `local_ns`
  [[nodiscard]] ClockReading to_global(ClockReading local_ns) const {
    return local_ns + offset_ns + drift_over(local_ns - reference_local_ns, rate_ppm);
  }

  // how far to_global(local_ns) may be from the true agreed time: nullopt when no offset uncertainty was
  // stated, or away from the reference instant when the rate was not measured and no bound on the unmeasured
  // drift is given (`assumed_rate_bound_ppm`, used only then)
  [[nodiscard]] std::optional<Nanoseconds> uncertainty_at(
      ClockReading local_ns, std::optional<double> assumed_rate_bound_ppm = std::nullopt) const {
    if (!offset_uncertainty_ns) return std::nullopt;
    const Nanoseconds from_reference = local_ns - reference_local_ns;
    const std::optional<double> rate_bound = rate_uncertainty_ppm ? rate_uncertainty_ppm : assumed_rate_bound_ppm;
    if (!rate_bound) {
      if (from_reference != Nanoseconds{0}) return std::nullopt;
      return *offset_uncertainty_ns;
    }
    const double drift_ns = std::ceil(std::abs(static_cast<double>(from_reference.count())) * *rate_bound * 1e-6);
    return *offset_uncertainty_ns + Nanoseconds{static_cast<std::int64_t>(drift_ns)} + Nanoseconds{1};
  }
};

}  // namespace berkeley
