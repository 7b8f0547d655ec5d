#pragma once
// Command line of berkeley_mpi. Parsing is pure (no MPI, no output) so every rank parses the same argv
// to the same verdict, and tests can check it directly.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/parsed_options.hpp"
#include "core/min_rtt_filter.hpp"
#include "core/time.hpp"
#include "sync/sync_method.hpp"

namespace berkeley {

enum class ClockKind {
  simulated,  // local CLOCK_MONOTONIC + a seeded random offset and drift per rank (default)
  mpi_wtime,  // MPI_Wtime (Open MPI: seconds since this process's first call; differs per rank)
  realtime,   // CLOCK_REALTIME, read only
};

struct RunOptions {
  int rounds = 1;
  std::uint64_t seed = 1;
  Nanoseconds max_offset_ns = std::chrono::seconds(1);
  double drift_ppm = 0.0;
  std::optional<Nanoseconds> tolerance_ns;  // unset: 2 × max offset (simulated), 1 s (others)
  ClockKind clock = ClockKind::simulated;
  SyncMethod method = SyncMethod::collective;
  Nanoseconds interval_ns{0};                       // pause between rounds (rounds ≥ 3 with one: drift)
  int node_size = 0;                                // tree: virtual nodes of this many ranks (0: real nodes)
  Nanoseconds patience_ns = kDefaultPatienceBudget;  // pingpong/tree: per round, to wait for quiet exchanges (0: none)
  int exchanges = 8;  // collective: at most this many gather/scatter exchanges per round (1: one fused)
  // pingpong/tree: how ranks wait for their turn. unset (auto): polite where a node has more ranks than cores
  std::optional<bool> polite_waiting;
  std::optional<Nanoseconds> require_precision_ns;  // exit kExitPrecisionFailed when the audit exceeds it
  std::string json_path;  // empty: no JSON report
  bool quiet = false;

  [[nodiscard]] Nanoseconds effective_tolerance() const;
};

using ParsedCommandLine = cli::ParsedOptions<RunOptions>;

[[nodiscard]] ParsedCommandLine parse_run_options(const std::vector<std::string>& args);

[[nodiscard]] const char* clock_kind_name(ClockKind kind);

}  // namespace berkeley
