// The benchmark's writers: JSON that carries every figure of every run.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "bench/sim/bench_report.hpp"

namespace berkeley::sim::bench {
namespace {

TEST(BenchJson, CarriesTheParametersAndEveryRunInNanoseconds) {
  BenchOptions options;
  options.network.seed = 5;
  options.node_size = 32;
  BenchRun tree;
  tree.result.method = SimMethod::tree;
  tree.result.participants = 1'000;
  tree.result.answered = 998;
  tree.result.nodes = 32;
  tree.result.node_size = 32;
  tree.result.busiest = BusiestParticipant{0, 758};
  tree.result.node_level_ns = Nanoseconds{5'000'000};
  tree.result.leader_level_ns = Nanoseconds{1'000'000};
  tree.result.delivery_ns = Nanoseconds{690'000};
  tree.result.spread_before_ns = Nanoseconds{1'990'000'000};
  tree.result.spread_after_ns = Nanoseconds{3'180};
  tree.wall_ns = Nanoseconds{860'000};
  BenchRun flat = tree;
  flat.result.method = SimMethod::collective;
  flat.result.participants = 100;
  std::ostringstream out;
  write_bench_json(out, options, {tree, flat});
  const nlohmann::json doc = nlohmann::json::parse(out.str());
  EXPECT_EQ(doc["parameters"]["seed"], 5);
  EXPECT_EQ(doc["parameters"]["node_size"], 32);
  EXPECT_EQ(doc["parameters"]["latency_ns"], 5'000);
  ASSERT_EQ(doc["runs"].size(), 2U);
  const nlohmann::json& row = doc["runs"][0];
  EXPECT_EQ(row["method"], "tree");
  EXPECT_EQ(row["participants"], 1'000);
  EXPECT_EQ(row["answered"], 998);
  EXPECT_EQ(row["busiest_messages"], 758);
  EXPECT_EQ(row["sync_ns"], 6'690'000);
  EXPECT_EQ(row["spread_after_ns"], 3'180);
  EXPECT_EQ(row["nodes"], 32);
  EXPECT_FALSE(doc["runs"][1].contains("nodes"));  // flat: no tree shape
  EXPECT_EQ(doc["wall_ns_per_size"]["1000"], 860'000);
  EXPECT_EQ(doc["wall_ns_per_size"]["100"], 860'000);
}

}  // namespace
}  // namespace berkeley::sim::bench
