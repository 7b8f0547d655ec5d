#pragma once
// Plain result structs of one berkeley_mpi run, built on rank 0 and formatted elsewhere
// (table_writer, json_writer). No MPI here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "sync/round_summary.hpp"

namespace berkeley {

struct RankReport {
  int rank = 0;           // its rank, or its client id where transport is "tcp"
  std::string transport;  // how the master reached it: "mpi" or "tcp" ("": not said)
  std::string host;
  std::optional<std::string> clock_domain;  // the CLOCK_MONOTONIC it reads (clock/clock_domain.hpp)
  // both read at one shared instant (see truth_reference), before and after applying the correction
  ClockReading clock_before_ns{};
  ClockReading clock_after_ns{};
  Nanoseconds offset_before_ns{0};     // clock_before − master's clock_before (true offset at the instant)
  Nanoseconds offset_estimated_ns{0};  // what the master measured in round 1
  Nanoseconds estimate_uncertainty_ns{0};
  Nanoseconds best_round_trip_ns{0};    // round 1: the round trip the estimate came from
  Nanoseconds median_round_trip_ns{0};  // round 1: median over the exchanges made
  int samples_used = 0;                 // round 1: exchanges made with this rank
  int bursts = 1;                       // round 1: filters run (more: measured again while the machine was busy)
  bool patience_ran_out = false;        // round 1: the patience budget ended before a quiet exchange
  Nanoseconds correction_ns{0};         // sum of the corrections applied over all rounds
  Nanoseconds offset_after_ns{0};       // clock_after − master's clock_after
  Nanoseconds residual_ns{0};           // clock_after − the agreed time (mean of the averaged clocks before)
  Nanoseconds read_window_ns{0};        // how tightly the shared-instant read was bracketed
  // the sync's own bound on offset_after_ns (nullopt: none stated); where the truth is measured, whether it
  // held (|offset_after| within it and both clocks' read windows)
  std::optional<Nanoseconds> offset_after_bound_ns;
  std::optional<bool> bound_held;
  bool excluded = false;  // left out of the fault-tolerant average (round 1)
  // drift correction (when rounds ≥ 3 with an interval): fitted against the master, and what was applied
  double drift_ppm = 0.0;
  double drift_uncertainty_ppm = 0.0;  // two standard errors
  double rate_applied_ppm = 0.0;       // 0 where the drift was not larger than its uncertainty
  // error against the agreed time at the later instants (RunReport::later_ns): predicted from the fit,
  // and measured where the clocks are simulated (their value at any instant is known)
  std::vector<Nanoseconds> predicted_error_ns;
  std::vector<std::optional<Nanoseconds>> measured_error_ns;
  // the sync's worst-case bound on this clock's offset from the master's at the later instants
  std::vector<std::optional<Nanoseconds>> later_bound_ns;
  // the independent audit after sync: this clock − the master's, ± half the tightest interval (all 0 and
  // audited false where it did not run or the rank did not answer)
  bool audited = false;
  Nanoseconds audit_residual_ns{0};
  Nanoseconds audit_uncertainty_ns{0};
  bool audit_consistent = true;
  // simulated clocks only: the drawn parameters
  Nanoseconds simulated_offset_ns{0};
  double simulated_drift_ppm = 0.0;
};

struct RunParameters {
  int ranks = 0;
  int rounds = 0;
  std::uint64_t seed = 0;
  Nanoseconds max_offset_ns{0};
  double drift_ppm = 0.0;
  Nanoseconds tolerance_ns{0};
  std::string clock;
  std::string method;
  Nanoseconds interval_ns{0};
  int node_size = 0;  // tree: virtual node size (0: real nodes)
  int exchanges = 0;  // collective: at most this many exchanges per round (0: another method)
};

struct RunReport {
  RunParameters parameters;
  std::vector<RankReport> ranks;
  std::vector<std::string> left_out;  // one line per member not in `ranks`, with the reason
  std::vector<RoundSummary> rounds;
  std::vector<LevelSummary> levels;  // round 1
  int hosts = 1;
  // distinct clock domains among the ranks (a rank whose domain is unknown counts as one of its own)
  int clock_domains = 1;
  // true when every rank reads one clock domain (one kernel's CLOCK_MONOTONIC, however many hosts): the
  // shared instant is then one physical instant and the spreads below are ground truth, not estimates
  bool truth_measured = false;
  std::string truth_reference;
  Nanoseconds spread_before_ns{0};
  Nanoseconds spread_after_ns{0};
  // the sync's own bound on spread_after_ns: no two clocks further apart than their two bounds from the
  // master (nullopt unless every rank has one)
  std::optional<Nanoseconds> spread_after_bound_ns;
  // truth measured and every rank's bound stated: whether every clock kept its bound, at the shared instant
  // and at every later instant where its value is known (nullopt otherwise)
  std::optional<bool> bounds_held;
  Nanoseconds max_abs_residual_ns{0};
  // later instants past the shared one at which errors are predicted / measured (drift correction)
  bool drift_corrected = false;
  std::vector<Nanoseconds> later_ns;
  std::vector<std::optional<Nanoseconds>> spread_later_ns;
  std::vector<std::optional<Nanoseconds>> spread_later_bound_ns;  // the bound at each later instant
  // the audit: largest |residual| of any rank; largest |residual| + uncertainty, the furthest a clock may be
  // from the master by what the audit proved; and the --require-precision gate, which is on that bound
  Nanoseconds audit_max_abs_residual_ns{0};
  std::optional<Nanoseconds> audit_max_bound_ns;  // set only when proven: every rank audited, consistently
  std::optional<Nanoseconds> required_precision_ns;
  bool audit_ran = false;         // some rank was audited
  bool audits_complete = false;   // every rank was audited
  bool audits_consistent = true;  // every audited rank's intervals intersected (else its residual is unbounded)
  bool precision_met = true;      // no gate, or every audit consistent and its bound within the gate
};

}  // namespace berkeley
