#pragma once
// The benchmark's runs: for each p the participants are drawn once from the seed; each method gets a fresh
// network built from them (so every method meets the same links and clocks), one synchronization round, and
// the wall time it took to simulate.
#include <functional>
#include <vector>

#include "bench/sim/bench_options.hpp"
#include "transport/sim/sim_sync.hpp"

namespace berkeley::sim::bench {

struct BenchRun {
  SimSyncResult result;
  // this process's time to build the network from the drawn profiles and simulate the round (the draw, once
  // per p, is not counted)
  Nanoseconds wall_ns{0};
};

// Runs every (p, method) pair in order; on_run, when given, sees each run as it completes.
[[nodiscard]] std::vector<BenchRun> run_bench(const BenchOptions& options,
                                              const std::function<void(const BenchRun&)>& on_run = {});

}  // namespace berkeley::sim::bench
