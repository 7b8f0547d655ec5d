#include "sync/drift_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/fault_tolerant_average.hpp"

namespace berkeley {

double RankDriftPlan::predicted_error_ns(Nanoseconds after_ns) const {
  if (!planned) return std::numeric_limits<double>::infinity();
  const double elapsed_ns = static_cast<double>(after_ns.count());
  const double fitted = fit.prediction_stderr_ns(reference_ns);  // offset error at the anchor
  const double rate = rate_stderr_ppm * 1e-6 * elapsed_ns;
  const double statistical = std::sqrt(fitted * fitted + rate * rate);
  return rate_applied ? statistical : statistical + std::fabs(rate_correction_ppm) * 1e-6 * elapsed_ns;
}

double DriftPlan::bound_from_master_ns(std::size_t rank, Nanoseconds after_ns) const {
  if (rank == 0) return 0.0;
  const RankDriftPlan& master = ranks.front();
  const RankDriftPlan& own = ranks.at(rank);
  if (!own.planned) return std::numeric_limits<double>::infinity();
  const double after = static_cast<double>(after_ns.count());
  // where a rate is not applied, the clock keeps its own rate instead of the group's: a known departure
  auto departure_ns = [after](const RankDriftPlan& p) {
    return p.rate_applied ? 0.0 : -p.rate_correction_ppm * 1e-6 * after;
  };
  const double line =
      own.fit.prediction_bound_ns(reference_ns + after_ns) + master.fit.prediction_bound_ns(reference_ns + after_ns);
  return (line + std::fabs(departure_ns(own) - departure_ns(master))) * (1.0 + kMaxRelativeRate);
}

DriftPlan plan_drift_correction(const std::vector<std::vector<TimedOffset>>& raw_offsets, Nanoseconds tolerance_ns,
                                double significance, const std::vector<bool>& offset_only) {
  if (raw_offsets.empty()) throw std::invalid_argument("plan_drift_correction: no members");
  if (raw_offsets.front().empty()) throw std::invalid_argument("plan_drift_correction: the master without samples");
  DriftPlan plan;
  plan.ranks.resize(raw_offsets.size());
  std::vector<std::size_t> planned;  // the members with samples, in order
  for (std::size_t r = 0; r < raw_offsets.size(); ++r) {
    plan.ranks[r].planned = !raw_offsets[r].empty();
    if (!plan.ranks[r].planned) continue;
    planned.push_back(r);
    for (const TimedOffset& s : raw_offsets[r]) plan.reference_ns = std::max(plan.reference_ns, s.local_ns);
  }

  std::vector<Nanoseconds> offsets_at_reference(raw_offsets.size(), Nanoseconds{0});
  std::vector<Nanoseconds> planned_offsets;
  for (const std::size_t r : planned) {
    plan.ranks[r].fit = fit_drift(raw_offsets[r]);
    offsets_at_reference[r] = plan.ranks[r].fit.offset_at(plan.reference_ns);
    planned_offsets.push_back(offsets_at_reference[r]);
  }
  const BerkeleyStep step = berkeley_step(planned_offsets, tolerance_ns);
  plan.average_offset_ns = step.average_offset_ns;
  std::vector<Nanoseconds> corrections_ns(raw_offsets.size(), Nanoseconds{0});
  std::vector<bool> excluded(raw_offsets.size(), true);
  for (std::size_t i = 0; i < planned.size(); ++i) {
    corrections_ns[planned[i]] = step.corrections_ns[i];
    excluded[planned[i]] = step.excluded[i];
  }

  // the group's rate: the mean drift of the averaged clocks (fault tolerance by offset, as for the step)
  auto in_average = [&](std::size_t r) { return plan.ranks[r].planned && (!excluded[r] || step.clocks_averaged == 0); };
  auto variance = [&](std::size_t r) {
    return plan.ranks[r].fit.drift_stderr_ppm * plan.ranks[r].fit.drift_stderr_ppm;
  };
  double drift_sum = 0;
  double variance_sum = 0;
  std::size_t averaged = 0;
  for (const std::size_t r : planned) {
    if (!in_average(r)) continue;
    drift_sum += plan.ranks[r].fit.drift_ppm;
    variance_sum += variance(r);
    ++averaged;
  }
  const auto n = static_cast<double>(averaged);
  plan.average_drift_ppm = drift_sum / n;

  for (std::size_t r = 0; r < plan.ranks.size(); ++r) {
    RankDriftPlan& rank = plan.ranks[r];
    rank.reference_ns = plan.reference_ns;
    if (!rank.planned) {
      rank.correction = LinearCorrection{Nanoseconds{0}, 0.0, plan.reference_ns};
      continue;
    }
    rank.rate_correction_ppm = plan.average_drift_ppm - rank.fit.drift_ppm;
    // variance of (average − own drift), the fits independent: an averaged rank is part of the average,
    // so its own noise enters with weight (1 − 1/n) and the others' with 1/n each
    rank.rate_stderr_ppm =
        in_average(r)
            ? std::sqrt(variance(r) * (1.0 - 1.0 / n) * (1.0 - 1.0 / n) + (variance_sum - variance(r)) / (n * n))
            : std::sqrt(variance(r) + variance_sum / (n * n));
    // a rate is applied only where it is larger than the noise of its fit: correcting a drift that is
    // not there makes the clock worse over time
    // (fewer than 3 samples: the noise is unknown, so no rate is applied)
    const bool takes_rate = r >= offset_only.size() || !offset_only[r];
    rank.rate_applied = takes_rate && rank.fit.samples >= 3 && rank.rate_correction_ppm != 0.0 &&
                        std::fabs(rank.rate_correction_ppm) > significance * rank.rate_stderr_ppm;
    const Nanoseconds offset = offsets_at_reference[r];
    // this rank's own clock shows reference + offset when the master's shows reference
    // the rate is per unit of the master's time; this rank's clock runs (1 + drift) as fast, so per unit
    // of its own time the rate is smaller by that factor (13 ns over 10 s at 40 ppm if ignored)
    const double own_frame_rate_ppm = rank.rate_correction_ppm / (1.0 + rank.fit.drift_ppm * 1e-6);
    rank.correction =
        LinearCorrection{corrections_ns[r], rank.rate_applied ? own_frame_rate_ppm : 0.0, plan.reference_ns + offset};
  }
  return plan;
}

}  // namespace berkeley
