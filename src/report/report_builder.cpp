#include "report/report_builder.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <string>

#include "core/duration_text.hpp"

namespace berkeley {
namespace {

// The agreed time: the mean of the averaged clocks' raw readings, taken as differences from the
// master's reading so that the sum cannot overflow. nullopt when a reading is unknown.
std::optional<ClockReading> agreed_time(const std::vector<RankInputs>& ranks,
                                        const std::vector<std::optional<ClockReading>>& raw) {
  if (!raw.front()) return std::nullopt;
  std::int64_t sum = 0;
  std::int64_t count = 0;
  for (std::size_t r = 0; r < ranks.size(); ++r) {
    if (ranks[r].excluded) continue;
    if (!raw[r]) return std::nullopt;
    sum += (*raw[r] - *raw.front()).count();
    ++count;
  }
  return *raw.front() + Nanoseconds{count > 0 ? sum / count : 0};
}

// Whether a clock's offset from the master, read within `window` on each side, kept its stated bound.
bool within(Nanoseconds offset, Nanoseconds bound, Nanoseconds window) {
  return std::chrono::abs(offset) <= bound + window;
}

// How far from the master the audit allows this clock to be: |residual| + its uncertainty.
Nanoseconds audit_bound(const RankReport& row) {
  return std::chrono::abs(row.audit_residual_ns) + row.audit_uncertainty_ns;
}

// The sync's stated bounds against the truth, where the truth is measured: at the shared instant (read
// windows allowed on both sides) and at every later instant where the clocks' values are known exactly.
void check_bounds(const std::vector<RankInputs>& ranks, RunReport& report) {
  std::vector<std::optional<Nanoseconds>> bounds;
  for (const RankReport& row : report.ranks) bounds.push_back(row.offset_after_bound_ns);
  report.spread_after_bound_ns = spread_bound(bounds);
  for (std::size_t k = 0; k < report.later_ns.size(); ++k) {
    std::vector<std::optional<Nanoseconds>> later;
    for (const RankReport& row : report.ranks) later.push_back(row.later_bound_ns[k]);
    report.spread_later_bound_ns.push_back(spread_bound(later));
  }
  if (!report.truth_measured || !report.spread_after_bound_ns) return;
  const InstantObservation& master = ranks.front().at_instant;
  bool held = true;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    RankReport& row = report.ranks[i];
    const InstantObservation& mine = ranks[i].at_instant;
    row.bound_held =
        within(row.offset_after_ns, *row.offset_after_bound_ns, mine.read_window_ns + master.read_window_ns);
    for (std::size_t k = 0; k < report.later_ns.size(); ++k) {
      const auto& own = k < mine.later_corrected_ns.size() ? mine.later_corrected_ns[k] : std::nullopt;
      const auto& reference = k < master.later_corrected_ns.size() ? master.later_corrected_ns[k] : std::nullopt;
      if (!own || !reference || !row.later_bound_ns[k]) continue;  // not known: nothing to check
      *row.bound_held = *row.bound_held && within(*own - *reference, *row.later_bound_ns[k], Nanoseconds{0});
    }
    held = held && *row.bound_held;
  }
  report.bounds_held = held;
}

}  // namespace

std::optional<Nanoseconds> spread_bound(const std::vector<std::optional<Nanoseconds>>& bounds_from_master) {
  Nanoseconds largest{0};
  Nanoseconds second{0};
  for (const auto& b : bounds_from_master) {
    if (!b) return std::nullopt;
    if (*b > largest) {
      second = largest;
      largest = *b;
    } else {
      second = std::max(second, *b);
    }
  }
  return largest + second;
}

Nanoseconds spread_of(const std::vector<ClockReading>& values) {
  if (values.size() < 2) return Nanoseconds{0};
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  return *high - *low;
}

RunReport build_run_report(const RunParameters& parameters, const std::vector<RankInputs>& ranks,
                           std::vector<RoundSummary> rounds, const std::string& truth_reference,
                           const std::vector<Nanoseconds>& later_ns, std::optional<Nanoseconds> required_precision_ns) {
  RunReport report;
  report.parameters = parameters;
  report.rounds = std::move(rounds);
  report.later_ns = later_ns;
  report.required_precision_ns = required_precision_ns;
  if (ranks.empty()) return report;

  std::set<std::string> hosts;
  std::set<std::string> domains;
  std::vector<ClockReading> before;
  std::vector<ClockReading> after;
  std::vector<std::optional<ClockReading>> raw_now;
  for (const RankInputs& r : ranks) {
    hosts.insert(r.host);
    if (r.clock_domain) domains.insert(*r.clock_domain);
    before.push_back(r.at_instant.raw_ns);
    after.push_back(r.at_instant.corrected_ns);
    raw_now.emplace_back(r.at_instant.raw_ns);
  }
  const ClockReading agreed = *agreed_time(ranks, raw_now);
  // the agreed time at each later instant, and the spread of the corrected clocks there
  std::vector<std::optional<ClockReading>> agreed_later;
  for (std::size_t k = 0; k < later_ns.size(); ++k) {
    std::vector<std::optional<ClockReading>> raw_later;
    std::vector<ClockReading> corrected_later;
    for (const RankInputs& r : ranks) {
      raw_later.push_back(k < r.at_instant.later_raw_ns.size() ? r.at_instant.later_raw_ns[k] : std::nullopt);
      if (k < r.at_instant.later_corrected_ns.size() && r.at_instant.later_corrected_ns[k]) {
        corrected_later.push_back(*r.at_instant.later_corrected_ns[k]);
      }
    }
    agreed_later.push_back(agreed_time(ranks, raw_later));
    report.spread_later_ns.push_back(corrected_later.size() == ranks.size() ? std::optional(spread_of(corrected_later))
                                                                            : std::nullopt);
  }

  const ClockReading master_after = ranks.front().at_instant.corrected_ns;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    const RankInputs& in = ranks[i];
    RankReport row;
    row.rank = in.id >= 0 ? in.id : static_cast<int>(i);
    row.transport = in.transport;
    row.host = in.host;
    row.clock_domain = in.clock_domain;
    row.clock_before_ns = in.at_instant.raw_ns;
    row.clock_after_ns = in.at_instant.corrected_ns;
    row.offset_before_ns = in.at_instant.raw_ns - ranks.front().at_instant.raw_ns;
    row.offset_estimated_ns = in.first_estimate.best.offset_ns;
    row.estimate_uncertainty_ns = in.first_estimate.best.uncertainty_ns;
    row.best_round_trip_ns = in.first_estimate.best.round_trip_ns;
    row.median_round_trip_ns = in.first_estimate.median_round_trip_ns;
    row.samples_used = in.first_estimate.samples_used;
    row.bursts = in.first_estimate.bursts;
    row.patience_ran_out = in.first_estimate.patience_ran_out;
    row.correction_ns = in.at_instant.corrected_ns - in.at_instant.raw_ns;
    row.offset_after_ns = in.at_instant.corrected_ns - master_after;
    row.residual_ns = in.at_instant.corrected_ns - agreed;
    row.read_window_ns = in.at_instant.read_window_ns;
    row.excluded = in.excluded;
    row.simulated_offset_ns = in.simulated_offset_ns;
    row.simulated_drift_ppm = in.simulated_drift_ppm;
    row.audited = in.audit.has_value();
    if (in.audit) {
      row.audit_residual_ns = in.audit->residual_ns;
      row.audit_uncertainty_ns = in.audit->uncertainty_ns;
      row.audit_consistent = in.audit->consistent;
    }
    if (in.drift) {
      report.drift_corrected = true;
      row.drift_ppm = in.drift->fit.drift_ppm;
      row.drift_uncertainty_ppm = 2.0 * in.drift->fit.drift_stderr_ppm;
      row.rate_applied_ppm = in.drift->correction.rate_ppm;
    }
    for (std::size_t k = 0; k < later_ns.size(); ++k) {
      row.predicted_error_ns.emplace_back(in.drift ? std::llround(in.drift->predicted_error_ns(later_ns[k])) : 0);
      const auto& corrected =
          k < in.at_instant.later_corrected_ns.size() ? in.at_instant.later_corrected_ns[k] : std::nullopt;
      row.measured_error_ns.push_back(corrected && agreed_later[k] ? std::optional(*corrected - *agreed_later[k])
                                                                   : std::nullopt);
    }
    row.offset_after_bound_ns = in.bound_ns;
    for (std::size_t k = 0; k < later_ns.size(); ++k) {
      row.later_bound_ns.push_back(k < in.later_bound_ns.size() ? in.later_bound_ns[k] : std::nullopt);
    }
    report.max_abs_residual_ns = std::max(report.max_abs_residual_ns, std::chrono::abs(row.residual_ns));
    report.audit_max_abs_residual_ns =
        std::max(report.audit_max_abs_residual_ns, std::chrono::abs(row.audit_residual_ns));
    report.ranks.push_back(std::move(row));
  }
  report.hosts = static_cast<int>(hosts.size());
  const auto unknown = std::count_if(ranks.begin(), ranks.end(), [](const RankInputs& r) { return !r.clock_domain; });
  report.clock_domains = static_cast<int>(domains.size()) + static_cast<int>(unknown);
  report.truth_measured = unknown == 0 && domains.size() == 1;
  report.truth_reference = truth_reference;
  report.spread_before_ns = spread_of(before);
  report.spread_after_ns = spread_of(after);
  check_bounds(ranks, report);
  const auto audited = [](const RankReport& r) { return r.audited; };
  report.audit_ran = std::any_of(report.ranks.begin(), report.ranks.end(), audited);
  report.audits_complete = std::all_of(report.ranks.begin(), report.ranks.end(), audited);
  report.audits_consistent =
      std::all_of(report.ranks.begin(), report.ranks.end(), [](const RankReport& r) { return r.audit_consistent; });
  if (report.audits_complete && report.audits_consistent) {
    Nanoseconds bound{0};
    for (const RankReport& r : report.ranks) bound = std::max(bound, audit_bound(r));
    report.audit_max_bound_ns = bound;
  }
  report.precision_met =
      !required_precision_ns || (report.audit_max_bound_ns && *report.audit_max_bound_ns <= *required_precision_ns);
  return report;
}

std::string member_name(const RankReport& row) {
  return (row.transport == "tcp" && row.rank != 0 ? "client " : "rank ") + std::to_string(row.rank);
}

std::string precision_failure(const RunReport& report) {
  const std::string required =
      "--require-precision " + (report.required_precision_ns ? format_duration(*report.required_precision_ns) : "");
  for (const RankReport& r : report.ranks) {
    if (!r.audited) {
      return required + " not met: " + member_name(r) +
             " was not audited (it did not answer the audit), so nothing bounds its clock";
    }
  }
  for (const RankReport& r : report.ranks) {
    if (!r.audit_consistent) {
      return required + " not met: the audit of " + member_name(r) +
             " is inconsistent (its round-trip intervals do not intersect), so its residual is not bounded";
    }
  }
  const auto widest =
      std::max_element(report.ranks.begin(), report.ranks.end(),
                       [](const RankReport& a, const RankReport& b) { return audit_bound(a) < audit_bound(b); });
  if (widest == report.ranks.end()) return required + " not met";
  return required + " not met: the audit puts " + member_name(*widest) + " at " +
         format_duration(widest->audit_residual_ns) + " +- " + format_duration(widest->audit_uncertainty_ns) +
         " from the master, so up to " + format_duration(audit_bound(*widest)) + " away";
}

}  // namespace berkeley
