#pragma once
// From every rank's offsets measured over several rounds, the linear correction each rank applies so
// that all clocks follow the fault-tolerant average in offset *and* rate. Pure: no MPI, no I/O.
#include <vector>

#include "core/drift_fit.hpp"
#include "core/time.hpp"

namespace berkeley {

// A correction in a rank's own (uncorrected) clock frame: offset_ns at its reading anchor_ns,
// changing by rate_ppm per unit of its time (see CorrectedClock::set_linear).
struct LinearCorrection {
  Nanoseconds offset_ns{0};
  double rate_ppm = 0.0;
  ClockReading anchor_ns{};
};

struct RankDriftPlan {
  DriftFit fit;                      // offset and drift of this rank against the master (master frame)
  double rate_correction_ppm = 0.0;  // average drift − this rank's drift
  double rate_stderr_ppm = 0.0;      // one standard error of that
  bool rate_applied = false;         // only when |rate correction| > significance × its standard error
                                     // (never for a member that takes offsets only)
  bool planned = true;               // false: no sample of this member, nothing planned (correction 0)
  LinearCorrection correction;
  ClockReading reference_ns{};  // master time the correction is anchored at (DriftPlan::reference_ns)
  // predicted error against the agreed time, `after_ns` past the reference: 1 standard error of the
  // fitted offset there (the fit is tightest at its samples' mean time, earlier) and of the rate over
  // `after_ns`, plus the whole unapplied rate when it was not applied
  [[nodiscard]] double predicted_error_ns(Nanoseconds after_ns) const;
};

struct DriftPlan {
  ClockReading reference_ns{};  // master time the plan is anchored at: the last measurement
  Nanoseconds average_offset_ns{0};
  double average_drift_ppm = 0.0;
  std::vector<RankDriftPlan> ranks;

  // The worst case, not statistics: how far rank r's corrected clock can be from the master's `after_ns`
  // past reference_ns, when every measured offset was within its uncertainty. Each fitted line is within
  // its bound of the truth (DriftFit::prediction_bound_ns); a rate not applied (too small against its noise,
  // or a member that takes offsets only) adds its whole fitted difference from the master's; and clock
  // rates that differ by less than kMaxRelativeRate widen it by that fraction (a sample refers to an unknown
  // instant within its round trip, and rates convert between clock frames only to first order). Infinite
  // when a fit has no slope, or the member was not planned.
  [[nodiscard]] double bound_from_master_ns(std::size_t rank, Nanoseconds after_ns) const;
};

// raw_offsets[r]: member r's offsets against the master's uncorrected clock, with the master's
// uncorrected time of each (member 0, the master: its own, all zero, and it needs ≥ 1). A member without
// samples (it never answered) is left out: not planned, correction 0, infinite bound. ≥ 3 samples give
// errors. offset_only[r] (missing: false): member r can only be sent an offset (a TCP client: the
// protocol carries offsets, not rates), so its rate is never applied and its bound grows with its drift.
[[nodiscard]] DriftPlan plan_drift_correction(const std::vector<std::vector<TimedOffset>>& raw_offsets,
                                              Nanoseconds tolerance_ns, double significance = 2.0,
                                              const std::vector<bool>& offset_only = {});

}  // namespace berkeley
