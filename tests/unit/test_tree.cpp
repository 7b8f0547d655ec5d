#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "sync/tree.hpp"

namespace berkeley {
namespace {

std::optional<PeerEstimate> estimate(std::int64_t offset, std::int64_t uncertainty) {
  PeerEstimate e;
  e.best.offset_ns = Nanoseconds{offset};
  e.best.uncertainty_ns = Nanoseconds{uncertainty};
  e.best.round_trip_ns = Nanoseconds{2 * uncertainty};
  e.samples_used = 4;
  return e;
}

TEST(VirtualNodes, GroupsConsecutiveRanksAndKeepsTheRemainder) {
  EXPECT_EQ(virtual_nodes(7, 3), (NodeLayout{{0, 1, 2}, {3, 4, 5}, {6}}));
  EXPECT_EQ(virtual_nodes(2, 2), (NodeLayout{{0, 1}}));
  EXPECT_EQ(virtual_nodes(1, 3), (NodeLayout{{0}}));
  EXPECT_THROW((void)virtual_nodes(4, 0), std::invalid_argument);
}

TEST(BalancedNodeSize, IsTheCeilingOfTheSquareRoot) {
  const std::vector<std::pair<int, int>> cases{{1, 1}, {2, 2}, {4, 2}, {5, 3}, {9, 3}, {10, 4}, {999'999, 1'000},
                                               {1'000'000, 1'000}, {1'000'001, 1'001}};
  for (const auto& [ranks, size] : cases) EXPECT_EQ(balanced_node_size(ranks), size) << ranks;
}

TEST(ComposeTree, MemberOffsetsAddTheirLeadersOffset) {
  // true clocks (against rank 0): 0, +10, +1000, +1025, +5000
  const NodeLayout layout{{0, 1}, {2, 3}, {4}};
  const std::vector<GroupEstimates> nodes{{estimate(0, 0), estimate(10, 3)},
                                          {estimate(0, 0), estimate(25, 4)},
                                          {estimate(0, 0)}};
  const GroupEstimates leaders{estimate(0, 0), estimate(1000, 5), estimate(5000, 6)};
  const GroupEstimates global = compose_tree(layout, nodes, leaders, 5);
  const std::vector<std::int64_t> expected{0, 10, 1000, 1025, 5000};
  for (std::size_t r = 0; r < 5; ++r) {
    ASSERT_TRUE(global[r].has_value()) << r;
    EXPECT_EQ(global[r]->best.offset_ns, Nanoseconds{expected[r]}) << r;
  }
  EXPECT_EQ(global[3]->best.uncertainty_ns, Nanoseconds{9});  // both levels' bounds add
  // and the step over all five clocks averages all of them, not just the three leaders
  const GroupStep step = berkeley_step_over(global, Nanoseconds{1'000'000});
  EXPECT_EQ(step.step.average_offset_ns, Nanoseconds{(0 + 10 + 1000 + 1025 + 5000) / 5});
}

TEST(ComposeTree, AMissingLeaderMakesItsWholeNodeMissing) {
  const NodeLayout layout{{0}, {1, 2}};
  const std::vector<GroupEstimates> nodes{{estimate(0, 0)}, {estimate(0, 0), estimate(7, 1)}};
  const GroupEstimates leaders{estimate(0, 0), std::nullopt};
  const GroupEstimates global = compose_tree(layout, nodes, leaders, 3);
  EXPECT_TRUE(global[0].has_value());
  EXPECT_FALSE(global[1].has_value());
  EXPECT_FALSE(global[2].has_value());
}

}  // namespace
}  // namespace berkeley
