#include "transport/tcp/session_report.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>

#include "core/duration_text.hpp"

namespace berkeley::tcp {

Nanoseconds stated_bound(const std::vector<RoundSummary>& rounds, Nanoseconds widest_read_window_ns, double drift_ppm,
                         Nanoseconds elapsed_ns) {
  Nanoseconds bound{0};
  // + 1 ns per estimate: the Cristian midpoint and half round trip are rounded down to whole nanoseconds
  for (const RoundSummary& round : rounds) bound += 2 * (round.max_uncertainty_ns + Nanoseconds{1});
  bound += 2 * widest_read_window_ns;
  const double drift_ns = 2.0 * std::fabs(drift_ppm) * 1e-6 * static_cast<double>(elapsed_ns.count());
  bound += Nanoseconds{static_cast<std::int64_t>(std::ceil(drift_ns))};
  return bound;
}

SessionReport build_session_report(const RunParameters& parameters, const std::vector<MemberRecord>& members,
                                   std::vector<RoundSummary> rounds, double drift_ppm, Nanoseconds elapsed_ns,
                                   std::optional<Nanoseconds> required_precision_ns) {
  SessionReport out;
  std::vector<RankInputs> rows;
  std::vector<std::int64_t> ids;
  Nanoseconds widest_window{0};
  for (const MemberRecord& m : members) {
    const bool master = m.client_id == 0;
    if (!master && m.rounds_answered == 0) {
      out.left_out.push_back("client " + std::to_string(m.client_id) +
                             ": not synchronized (no answer in any round: " + m.last_failure + ")");
      continue;
    }
    if (!m.at_instant) {
      out.left_out.push_back("client " + std::to_string(m.client_id) + ": synchronized in " +
                             std::to_string(m.rounds_answered) + " round(s), but not read at the shared instant (" +
                             m.last_failure + ")");
      continue;
    }
    RankInputs row;
    row.host = m.host;
    row.clock_domain = m.clock_domain;
    row.at_instant = *m.at_instant;
    row.first_estimate = m.first_estimate.value_or(PeerEstimate{});
    row.excluded = m.excluded_in_round_1;
    row.audit = m.audit;
    rows.push_back(row);
    ids.push_back(m.client_id);
    widest_window = std::max(widest_window, m.at_instant->read_window_ns);
  }
  RunParameters p = parameters;
  p.ranks = static_cast<int>(rows.size());
  out.bound_ns = stated_bound(rounds, widest_window, drift_ppm, elapsed_ns);
  // Each clock within bound_ns of the group average, so a client within twice that of the master: the same
  // per-clock claim berkeley_mpi states (offset_after_bound_ns), checked against the truth where it is measured.
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].bound_ns = ids[i] == 0 ? Nanoseconds{0} : 2 * out.bound_ns;
  out.run = build_run_report(p, rows, std::move(rounds), "CLOCK_MONOTONIC", {}, required_precision_ns);
  for (std::size_t i = 0; i < out.run.ranks.size(); ++i) out.run.ranks[i].rank = static_cast<int>(ids[i]);  // client id
  out.within_bound = out.run.max_abs_residual_ns <= out.bound_ns;
  return out;
}

void write_session_notes(std::ostream& out, const SessionReport& report) {
  for (const std::string& line : report.left_out) out << "left out: " << line << '\n';
  if (!report.run.truth_measured) {
    out << "bound: not checked (clocks on " << report.run.hosts << " host(s) reading " << report.run.clock_domains
        << " different CLOCK_MONOTONIC: no shared reference clock)\n";
    return;
  }
  out << "bound: every clock within " << report.bound_ns.count() << " ns (" << format_duration(report.bound_ns)
      << ") of the group average (2 x the rounds' estimate uncertainties + read windows + drift); measured max "
         "|residual| "
      << report.run.max_abs_residual_ns.count() << " ns (" << format_duration(report.run.max_abs_residual_ns)
      << "): " << (report.within_bound ? "ok" : "EXCEEDED") << '\n';
}

}  // namespace berkeley::tcp
