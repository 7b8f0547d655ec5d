// The simulation benchmark's runs (bench/sim/bench_runner): every (p, method) pair in order, each on a fresh
// network of the same drawn links and clocks, with the options' ping-pong policy, node size and tolerance,
// each seen by on_run as it completes; the figures are the round's own (run_simulated_sync's).
#include <gtest/gtest.h>

#include <stdexcept>

#include "bench/sim/bench_runner.hpp"

namespace berkeley::sim::bench {
namespace {

BenchOptions small_bench() {
  BenchOptions options;
  options.network.seed = 13;
  options.network.silent_fraction = 0.0;  // every method then measures everyone: their spreads compare
  options.sizes = {30, 121};
  options.methods = {SimMethod::collective, SimMethod::pingpong, SimMethod::tree, SimMethod::tree_collective};
  return options;
}

TEST(RunBench, RunsEveryMethodForEverySizeInOrderAndShowsEachRunAsItCompletes) {
  const BenchOptions options = small_bench();
  std::vector<SimSyncResult> seen;
  const std::vector<BenchRun> runs = run_bench(options, [&](const BenchRun& run) { seen.push_back(run.result); });
  ASSERT_EQ(runs.size(), 8U);
  ASSERT_EQ(seen.size(), 8U);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i].result.participants, options.sizes[i / 4]) << i;
    EXPECT_EQ(runs[i].result.method, options.methods[i % 4]) << i;
    EXPECT_EQ(seen[i], runs[i].result) << i;
    EXPECT_GE(runs[i].wall_ns, Nanoseconds{0}) << i;
  }
}

TEST(RunBench, EachRunIsTheRoundOfAFreshNetworkDrawnFromTheSeed) {
  const BenchOptions options = small_bench();
  const std::vector<BenchRun> runs = run_bench(options);
  ASSERT_EQ(runs.size(), 8U);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    SimNetwork network(options.network, options.sizes[i / 4]);
    SimSyncOptions sync;
    sync.method = options.methods[i % 4];
    sync.tolerance_ns = options.effective_tolerance();
    EXPECT_EQ(runs[i].result, run_simulated_sync(network, sync)) << i;
  }
}

TEST(RunBench, EveryMethodOfOneSizeMeetsTheSameClocks) {
  const std::vector<BenchRun> runs = run_bench(small_bench());
  ASSERT_EQ(runs.size(), 8U);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::size_t first_of_size = i / 4 * 4;
    EXPECT_EQ(runs[i].result.spread_before_ns, runs[first_of_size].result.spread_before_ns) << i;
    EXPECT_EQ(runs[i].result.answered, runs[i].result.participants) << i;
  }
  EXPECT_NE(runs[0].result.spread_before_ns, runs[4].result.spread_before_ns) << "another p, other clocks";
}

TEST(RunBench, PassesThePingpongPolicyOnToTheRound) {
  BenchOptions options = small_bench();
  options.network.slow_fraction = 0.0;
  options.methods = {SimMethod::pingpong};
  options.pingpong.min_exchanges = 2;
  options.pingpong.max_exchanges = 2;
  const std::vector<BenchRun> runs = run_bench(options);
  ASSERT_EQ(runs.size(), 2U);
  for (const BenchRun& run : runs) {
    // per member: two exchanges of two messages, a release and a correction, all at the master
    const int p = run.result.participants;
    EXPECT_EQ(run.result.busiest, (BusiestParticipant{0, (p - 1) * (2 * 2 + 1 + 1)})) << p;
  }
}

TEST(RunBench, PassesTheNodeSizeOnToTheTree) {
  BenchOptions options = small_bench();
  options.methods = {SimMethod::tree};
  options.node_size = 8;
  const std::vector<BenchRun> runs = run_bench(options);
  ASSERT_EQ(runs.size(), 2U);
  EXPECT_EQ(runs[0].result.node_size, 8);
  EXPECT_EQ(runs[0].result.nodes, 4);  // 30 = 3 × 8 + 6
  EXPECT_EQ(runs[1].result.node_size, 8);
  EXPECT_EQ(runs[1].result.nodes, 16);  // 121 = 15 × 8 + 1
}

TEST(RunBench, UsesTheEffectiveTolerance) {
  BenchOptions options = small_bench();
  options.sizes = {31};
  options.methods = {SimMethod::pingpong};
  const std::vector<BenchRun> wide = run_bench(options);  // unset: 2 × max offset, every clock averaged
  ASSERT_EQ(wide.size(), 1U);
  EXPECT_EQ(wide[0].result.clocks_averaged, 31U);
  options.tolerance_ns = Nanoseconds{0};  // only the median clock of 31 (offsets in ±1 s never coincide)
  const std::vector<BenchRun> narrow = run_bench(options);
  ASSERT_EQ(narrow.size(), 1U);
  EXPECT_EQ(narrow[0].result.clocks_averaged, 1U);
}

TEST(RunBench, NothingToRunRunsNothing) {
  BenchOptions options = small_bench();
  int calls = 0;
  const auto count = [&](const BenchRun&) { ++calls; };
  options.sizes.clear();
  EXPECT_TRUE(run_bench(options, count).empty());
  options = small_bench();
  options.methods.clear();
  EXPECT_TRUE(run_bench(options, count).empty());
  EXPECT_EQ(calls, 0);
}

TEST(RunBench, RefusesASizeWithoutParticipants) {
  BenchOptions options = small_bench();
  options.sizes = {10, 0};
  EXPECT_THROW((void)run_bench(options), std::invalid_argument);
}

}  // namespace
}  // namespace berkeley::sim::bench
