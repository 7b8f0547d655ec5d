#pragma once
// Command line of berkeley_mpi. Parsing is pure (no MPI, no output) so every rank parses the same argv
// to the same verdict, and tests can check it directly.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/parsed_options.hpp"
#include "clock/clock_choice.hpp"
#include "core/min_rtt_filter.hpp"
#include "core/time.hpp"
#include "sync/sync_method.hpp"

namespace berkeley {

struct RunOptions {
  int rounds = 1;
  std::optional<Nanoseconds> tolerance_ns;  // unset: 2 × max offset (simulated), 1 s (others)
  ClockChoice clock;                        // every rank's: simulated (the default), mpi_wtime or realtime
  SyncMethod method = SyncMethod::collective;
  Nanoseconds interval_ns{0};                        // pause between rounds (rounds ≥ 3 with one: drift)
  int node_size = 0;                                 // tree: virtual nodes of this many ranks (0: real nodes)
  Nanoseconds patience_ns = kDefaultPatienceBudget;  // pingpong/tree: per round, to wait for quiet exchanges (0: none)
  int exchanges = 8;  // collective: at most this many gather/scatter exchanges per round (1: one fused)
  // pingpong/tree: how ranks wait for their turn. unset (auto): polite where a node has more ranks than cores
  std::optional<bool> polite_waiting;
  std::optional<Nanoseconds> require_precision_ns;  // exit kExitPrecisionFailed when the audit exceeds it
  std::string json_path;                            // empty: no JSON report
  std::string offsets_path;                         // empty: no offsets file (trace correction)
  std::string csv_path;                             // empty: no CSV table
  bool quiet = false;
  // --serve-tcp N: rank 0 also admits N TCP clients (BERKELEY/1) into the same group
  struct TcpService {
    std::int64_t clients = 0;
    std::string bind_address = "127.0.0.1";
    std::uint16_t port = 17117;  // 0: a free one, printed
    Nanoseconds timeout_ns{std::chrono::seconds(1)};
    Nanoseconds join_timeout_ns{std::chrono::seconds(60)};
    std::string key_file;  // --key-file: the clients must join keyed (read by rank 0); empty: keyless
  };
  std::optional<TcpService> serve_tcp;

  [[nodiscard]] Nanoseconds effective_tolerance() const;
};

using ParsedCommandLine = cli::ParsedOptions<RunOptions>;

[[nodiscard]] ParsedCommandLine parse_run_options(const std::vector<std::string>& args);

}  // namespace berkeley
