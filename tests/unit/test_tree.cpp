#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "sync/tree.hpp"

namespace berkeley {
namespace {

// measured at `at` of the measuring side's clock (by default: as if at the root's time 0, whichever side)
std::optional<PeerEstimate> estimate(std::int64_t offset, std::int64_t uncertainty, std::int64_t at = 0) {
  PeerEstimate e;
  e.best.offset_ns = Nanoseconds{offset};
  e.best.local_midpoint_ns = at_ns(at);
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
  const std::vector<std::pair<int, int>> cases{
      {1, 1}, {2, 2}, {4, 2}, {5, 3}, {9, 3}, {10, 4}, {999'999, 1'000}, {1'000'000, 1'000}, {1'000'001, 1'001}};
  for (const auto& [ranks, size] : cases) EXPECT_EQ(balanced_node_size(ranks), size) << ranks;
}

TEST(ComposeTree, MemberOffsetsAddTheirLeadersOffset) {
  // true clocks (against rank 0): 0, +10, +1000, +1025, +5000
  const NodeLayout layout{{0, 1}, {2, 3}, {4}};
  // every member measured when the root's clock showed 0 (its leader's clock: the leader's offset)
  const std::vector<GroupEstimates> nodes{
      {estimate(0, 0), estimate(10, 3)}, {estimate(0, 0), estimate(25, 4, 1000)}, {estimate(0, 0)}};
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

TEST(ComposeTree, TheBoundCoversWhatTheClocksMayMoveBetweenTheTwoMeasurements) {
  // the leader measured at the root's 0; its member 2 ms later (the leader's clock shows 1000 + 2 ms then):
  // by then the member's clock may have moved up to kMaxRelativeRate × 2 ms against the leader's
  const NodeLayout layout{{0}, {1, 2}};
  const std::vector<GroupEstimates> nodes{{estimate(0, 0)}, {estimate(0, 0), estimate(25, 4, 1000 + 2'000'000)}};
  const GroupEstimates leaders{estimate(0, 0), estimate(1000, 5)};
  const GroupEstimates global = compose_tree(layout, nodes, leaders, 3);
  ASSERT_TRUE(global[2].has_value());
  EXPECT_EQ(global[2]->best.local_midpoint_ns, at_ns(2'000'000));         // in the root's time
  EXPECT_EQ(global[2]->best.uncertainty_ns, Nanoseconds{5 + 4 + 2'000});  // 1e-3 of 2 ms
  // and the leader itself, measured directly, has no such term
  EXPECT_EQ(global[1]->best.uncertainty_ns, Nanoseconds{5});
}

TEST(ComposeTree, TheRootsOwnMembersAreMeasuredByTheRootAlone) {
  // the root's node: its members' estimates are the root's own, whenever they were taken
  const NodeLayout layout{{0, 1}};
  const std::vector<GroupEstimates> nodes{{estimate(0, 0), estimate(-30, 7, 5'000'000'000)}};
  const GroupEstimates global = compose_tree(layout, nodes, GroupEstimates{estimate(0, 0)}, 2);
  ASSERT_TRUE(global[1].has_value());
  EXPECT_EQ(global[1]->best.offset_ns, Nanoseconds{-30});
  EXPECT_EQ(global[1]->best.uncertainty_ns, Nanoseconds{7});
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
