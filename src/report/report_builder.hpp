#pragma once
// Builds the RunReport from what rank 0 collected. Pure: no MPI, no I/O.
#include <optional>
#include <string>
#include <vector>

#include "clock/shared_instant.hpp"
#include "core/interval_audit.hpp"
#include "core/min_rtt_filter.hpp"
#include "report/run_report.hpp"
#include "sync/drift_plan.hpp"

namespace berkeley {

struct RankInputs {
  int id = -1;            // its rank or client id, the report row's number (-1: its position in the list)
  std::string transport;  // "mpi", "tcp" ("": not said)
  std::string host;
  // which CLOCK_MONOTONIC the rank reads (clock/clock_domain.hpp; nullopt: not known): the shared instant is
  // one physical instant, and the spreads ground truth, only where every rank reads the same one
  std::optional<std::string> clock_domain;
  InstantObservation at_instant;
  PeerEstimate first_estimate;  // round 1
  std::optional<RankDriftPlan> drift;
  std::optional<AuditEstimate> audit;  // nullopt: not audited (the audit did not run, or no answer)
  // what the sync states: how far this clock may be from the master's at the shared instant, and at each
  // later instant (nullopt: nothing stated)
  std::optional<Nanoseconds> bound_ns;
  std::vector<std::optional<Nanoseconds>> later_bound_ns;
  bool excluded = false;
  Nanoseconds simulated_offset_ns{0};
  double simulated_drift_ppm = 0.0;
};

// truth_reference names the shared clock; the spreads count as ground truth only when every rank reads
// one clock domain (one kernel's CLOCK_MONOTONIC), whatever the host names.
// later_ns: the instants after the shared one that the observations' later readings refer to.
// required_precision_ns: the gate on the audit (precision_met is false when a rank's |residual| + uncertainty,
// the furthest the audit allows its clock to be from the master, exceeds it, when an audit is inconsistent
// (its residual is then not bounded), or when a rank was not audited at all). A gate below what the audit
// can resolve therefore always fails.
[[nodiscard]] RunReport build_run_report(const RunParameters& parameters, const std::vector<RankInputs>& ranks,
                                         std::vector<RoundSummary> rounds, const std::string& truth_reference,
                                         const std::vector<Nanoseconds>& later_ns = {},
                                         std::optional<Nanoseconds> required_precision_ns = std::nullopt);

// "rank 3", or "client 7" for a TCP client's row (the TCP master's own row stays "rank 0").
[[nodiscard]] std::string member_name(const RankReport& row);

// Why precision_met is false, for the one line a program prints before it exits 4.
[[nodiscard]] std::string precision_failure(const RunReport& report);

// No two clocks further apart than the sum of their two largest bounds from the master (the master's own
// is 0); nullopt unless every clock has a bound.
[[nodiscard]] std::optional<Nanoseconds> spread_bound(
    const std::vector<std::optional<Nanoseconds>>& bounds_from_master);

// max − min; 0 for fewer than two values
[[nodiscard]] Nanoseconds spread_of(const std::vector<ClockReading>& values);

}  // namespace berkeley
