// run_simulated_sync (transport/sim/sim_sync): each method runs its own round (flat or tree, whose own tests
// are test_flat_sync.cpp and test_tree_sync.cpp), the same seed gives the same figures, and the busiest
// participant's load grows as p flat but as sqrt(p) in the tree.
#include <gtest/gtest.h>

#include <array>

#include "sim_test_networks.hpp"
#include "transport/sim/sim_sync_rounds.hpp"

namespace berkeley::sim {
namespace {

using simtest::options_for;

constexpr std::array kAllMethods{SimMethod::collective, SimMethod::pingpong, SimMethod::tree,
                                 SimMethod::tree_collective};

TEST(RunSimulatedSync, RunsEachMethodsOwnRound) {
  NetworkParams params;
  params.seed = 5;
  for (const SimMethod method : kAllMethods) {
    SCOPED_TRACE(sim_method_name(method));
    SimNetwork dispatched(params, 300);
    SimNetwork direct(params, 300);
    const SimSyncResult got = run_simulated_sync(dispatched, options_for(method));
    const SimSyncResult expected =
        is_tree(method) ? run_tree_sync(direct, options_for(method)) : run_flat_sync(direct, options_for(method));
    EXPECT_EQ(got, expected);
    EXPECT_EQ(got.method, method);
    EXPECT_EQ(got.nodes > 0, is_tree(method));
  }
}

SimSyncResult everyone_answering(SimMethod method, int participants, int node_size = 0) {
  NetworkParams params;
  params.silent_fraction = 0.0;  // every participant answers: the counts are exact
  params.slow_fraction = 0.0;
  SimNetwork network(params, participants);
  return run_simulated_sync(network, options_for(method, node_size));
}

TEST(RunSimulatedSync, FlatLoadGrowsAsPButTheTreesAsItsSquareRoot) {
  const double flat = static_cast<double>(everyone_answering(SimMethod::collective, 6'400).busiest.messages) /
                      static_cast<double>(everyone_answering(SimMethod::collective, 400).busiest.messages);
  const double tree = static_cast<double>(everyone_answering(SimMethod::tree_collective, 6'400).busiest.messages) /
                      static_cast<double>(everyone_answering(SimMethod::tree_collective, 400).busiest.messages);
  EXPECT_NEAR(flat, 16.0, 0.1);  // p × 16
  EXPECT_NEAR(tree, 4.0, 0.2);   // sqrt(p) × 4
  // a fixed node size of 32: the root's load is 32 + p/32, still far below p
  const SimSyncResult fixed = everyone_answering(SimMethod::tree_collective, 6'400, 32);
  EXPECT_EQ(fixed.busiest.messages, 3 * 31 + 3 * (200 - 1));
}

TEST(RunSimulatedSync, TheSameSeedGivesTheSameFiguresAndAnotherSeedOthers) {
  for (const SimMethod method : kAllMethods) {
    NetworkParams params;  // the default model, drift included
    params.seed = 77;
    SimNetwork first(params, 2'000);
    SimNetwork second(params, 2'000);
    const SimSyncResult a = run_simulated_sync(first, options_for(method));
    const SimSyncResult b = run_simulated_sync(second, options_for(method));
    EXPECT_EQ(a, b) << sim_method_name(method);
    params.seed = 78;
    SimNetwork other(params, 2'000);
    const SimSyncResult c = run_simulated_sync(other, options_for(method));
    EXPECT_NE(a.spread_after_ns, c.spread_after_ns) << sim_method_name(method);
    EXPECT_NE(a.spread_before_ns, c.spread_before_ns) << sim_method_name(method);
  }
}

}  // namespace
}  // namespace berkeley::sim
