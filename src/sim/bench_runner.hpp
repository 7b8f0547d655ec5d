#pragma once
// The benchmark's runs: for each p and each method, a fresh network drawn from the same seed (so every
// method meets the same links and clocks), one synchronization round, and the wall time it took to simulate.
#include <functional>
#include <vector>

#include "sim/bench_options.hpp"
#include "transport/sim/sim_sync.hpp"

namespace berkeley::sim {

struct BenchRun {
  SimSyncResult result;
  Nanoseconds wall_ns{0};  // this process's time to draw the network and simulate the round
};

// Runs every (p, method) pair in order; on_run, when given, sees each run as it completes.
[[nodiscard]] std::vector<BenchRun> run_bench(const BenchOptions& options,
                                              const std::function<void(const BenchRun&)>& on_run = {});

}  // namespace berkeley::sim
