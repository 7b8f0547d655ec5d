#pragma once
// The master's report of a TCP session: the shared RunReport (same table and JSON as berkeley_mpi) over
// the clocks that were synchronized and read at the shared instant, the members left out and why, and the
// bound every clock must end within. Pure: no sockets, no I/O.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "core/interval_audit.hpp"
#include "core/min_rtt_filter.hpp"
#include "report/report_builder.hpp"
#include "report/run_report.hpp"

namespace berkeley::tcp {

// What the master learned about one member (index 0: the master itself) over the session.
struct MemberRecord {
  std::int64_t client_id = 0;  // 0 for the master
  std::string host;
  std::optional<std::string> clock_domain;     // which CLOCK_MONOTONIC it reads (nullopt: not known)
  std::optional<PeerEstimate> first_estimate;  // round 1; nullopt: no answer in round 1
  bool excluded_in_round_1 = true;             // left out of round 1's average (or did not answer)
  Nanoseconds total_correction_ns{0};          // sum of the adjustments sent (the master: applied)
  int rounds_answered = 0;
  std::optional<InstantObservation> at_instant;  // its reading at the shared instant, if it answered
  std::optional<AuditEstimate> audit;            // the independent re-measurement after the rounds
  std::string last_failure;                      // why it last went missing
};

struct SessionReport {
  RunReport run;                      // rows: the master, then every synchronized client, by id
  std::vector<std::string> left_out;  // one line per client that is not in the table, with the reason
  Nanoseconds bound_ns{0};            // the stated bound: every row's |residual| must be within it (and so
                                      // every client within 2 x bound_ns of the master: run's offset bounds)
  bool within_bound = true;
};

// The bound: 2 × Σ over rounds of the largest estimate uncertainty (the Cristian half round trip, + 1 ns of
// rounding: one clock's error plus the average's), + 2 × the widest shared-instant read window, + how far
// two clocks drifting at ±drift_ppm can move apart over `elapsed_ns` (first poll → shared instant).
[[nodiscard]] Nanoseconds stated_bound(const std::vector<RoundSummary>& rounds, Nanoseconds widest_read_window_ns,
                                       double drift_ppm, Nanoseconds elapsed_ns);

// required_precision_ns: the gate on the audit's |residual| + uncertainty (RunReport::precision_met), as in
// berkeley_mpi; a client without an audit fails it.
[[nodiscard]] SessionReport build_session_report(const RunParameters& parameters,
                                                 const std::vector<MemberRecord>& members,
                                                 std::vector<RoundSummary> rounds, double drift_ppm,
                                                 Nanoseconds elapsed_ns,
                                                 std::optional<Nanoseconds> required_precision_ns = std::nullopt);

// "clients left out: ..." lines and the bound verdict, under the table.
void write_session_notes(std::ostream& out, const SessionReport& report);

}  // namespace berkeley::tcp
