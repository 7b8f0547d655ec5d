#pragma once
// One run of the TCP benchmark: the real berkeley_master for `clients` connections held by this process, and
// what its report and its exit say.
#include <cstdint>
#include <optional>
#include <vector>

#include "bench/tcp/tcp_bench_options.hpp"
#include "core/run_status.hpp"

namespace berkeley::tcp::bench {

struct Measurement {
  std::int64_t clients = 0;
  std::vector<std::int64_t> round_ns;
  long peak_rss_kib = 0;
  std::int64_t max_abs_residual_ns = 0;
  double exchanges_per_client = 0;        // round 1, mean over the clients
  std::int64_t median_round_trip_ns = 0;  // round 1, the median over the clients of their median round trip
  int master_exit = -1;
  bool report_kept = true;  // --keep-json: the report was copied there
};

// nullopt when the run failed (a client failed, the master did not report or did not exit); why, on stderr
[[nodiscard]] std::optional<Measurement> measure_run(const BenchOptions& options, std::int64_t clients);

// Every run of `options`, a table row each on stdout: ok when all completed and met the target (1,000 clients:
// a round <= 100 ms, RSS <= 64 MiB); precision_failed: a target missed; network_error: a run failed or too few
// file descriptors; output_error: --keep-json is not a directory or a report could not be kept there.
[[nodiscard]] RunStatus run_bench(const BenchOptions& options);

}  // namespace berkeley::tcp::bench
