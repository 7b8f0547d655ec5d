#include "bench/sim/bench_runner.hpp"

#include <chrono>

namespace berkeley::sim::bench {

std::vector<BenchRun> run_bench(const BenchOptions& options, const std::function<void(const BenchRun&)>& on_run) {
  std::vector<BenchRun> runs;
  for (const int participants : options.sizes) {
    // drawn once per p: every method's network is built from the same profiles, as if drawn anew
    const std::vector<ParticipantProfile> profiles = draw_participants(options.network, participants);
    for (const SimMethod method : options.methods) {
      const auto started = std::chrono::steady_clock::now();
      SimNetwork network(options.network, profiles);
      SimSyncOptions sync;
      sync.method = method;
      sync.pingpong = options.pingpong;
      sync.node_size = options.node_size;
      sync.tolerance_ns = options.effective_tolerance();
      BenchRun run;
      run.result = run_simulated_sync(network, sync);
      run.wall_ns = std::chrono::duration_cast<Nanoseconds>(std::chrono::steady_clock::now() - started);
      runs.push_back(run);
      if (on_run) on_run(runs.back());
    }
  }
  return runs;
}

}  // namespace berkeley::sim::bench
