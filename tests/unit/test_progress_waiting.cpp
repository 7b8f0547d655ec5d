// Open MPI's progress waiting chosen before MPI_Init from the launcher's placement: yield where a node runs
// more ranks than cores, poll where they fit; an explicit choice (the user's variable, --wait) wins.
#include <gtest/gtest.h>

#include <map>

#include "transport/mpi/progress_waiting.hpp"

namespace berkeley::mpi {
namespace {

EnvironmentLookup environment_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    const auto found = values.find(name);
    return found == values.end() ? std::nullopt : std::optional(found->second);
  };
}

TEST(LocalRanks, FromOpenMpisMpirunMpichsHydraOrSlurm) {
  EXPECT_EQ(local_ranks_from(environment_of({{"OMPI_COMM_WORLD_LOCAL_SIZE", "4"}})), std::optional(4));
  EXPECT_EQ(local_ranks_from(environment_of({{"MPI_LOCALNRANKS", "3"}})), std::optional(3));
  EXPECT_EQ(local_ranks_from(environment_of({})), std::nullopt);
}

TEST(LocalRanks, SlurmsTasksPerNodeAtThisNode) {
  const auto on_node = [](const std::string& per_node, const std::string& node) {
    return local_ranks_from(environment_of({{"SLURM_STEP_TASKS_PER_NODE", per_node}, {"SLURM_NODEID", node}}));
  };
  EXPECT_EQ(on_node("2(x3)", "0"), std::optional(2));
  EXPECT_EQ(on_node("2(x3)", "2"), std::optional(2));
  EXPECT_EQ(on_node("2(x3)", "3"), std::nullopt);  // no such node
  EXPECT_EQ(on_node("3(x2),1", "1"), std::optional(3));
  EXPECT_EQ(on_node("3(x2),1", "2"), std::optional(1));
  EXPECT_EQ(on_node("4,2,5", "2"), std::optional(5));
  EXPECT_EQ(on_node("2(x", "0"), std::nullopt);  // malformed: not believed
  EXPECT_EQ(on_node("two", "0"), std::nullopt);
  EXPECT_EQ(on_node("2", "-1"), std::nullopt);
}

TEST(LocalRanks, WhatIsNotACountIsNotBelieved) {
  for (const char* bad : {"", "0", "-2", "4x", " 4", "99999999999"}) {
    EXPECT_EQ(local_ranks_from(environment_of({{"OMPI_COMM_WORLD_LOCAL_SIZE", bad}})), std::nullopt) << bad;
  }
}

TEST(WaitOverride, TheLastWaitOptionInEitherSpelling) {
  EXPECT_EQ(wait_override_from({"--method", "pingpong"}), std::nullopt);
  EXPECT_EQ(wait_override_from({"--wait", "polite"}), std::optional(true));
  EXPECT_EQ(wait_override_from({"--wait=busy"}), std::optional(false));
  EXPECT_EQ(wait_override_from({"--wait", "busy", "--wait", "auto"}), std::nullopt);
  EXPECT_EQ(wait_override_from({"--wait"}), std::nullopt);  // no value: the parser says so after MPI_Init
}

TEST(ProgressWaiting, YieldOnlyWhereRanksOutnumberCores) {
  EXPECT_EQ(decide_progress_waiting(std::nullopt, std::nullopt, 4, 2).yield_when_idle, std::optional<std::string>("1"));
  EXPECT_EQ(decide_progress_waiting(std::nullopt, std::nullopt, 2, 2).yield_when_idle, std::optional<std::string>("0"));
  EXPECT_EQ(decide_progress_waiting(std::nullopt, std::nullopt, 1, 2).yield_when_idle, std::optional<std::string>("0"));
  const ProgressWaiting unknown = decide_progress_waiting(std::nullopt, std::nullopt, std::nullopt, 2);
  EXPECT_EQ(unknown.yield_when_idle, std::nullopt);
  EXPECT_NE(unknown.reason.find("not known"), std::string::npos);
  EXPECT_NE(decide_progress_waiting(std::nullopt, std::nullopt, 4, 2).reason.find("4 rank(s) on this node, 2 core(s)"),
            std::string::npos);
}

TEST(ProgressWaiting, AnExplicitChoiceWins) {
  // the user's own variable is left as it is, whatever the placement
  EXPECT_EQ(decide_progress_waiting(std::string("1"), std::nullopt, 1, 2).yield_when_idle, std::nullopt);
  EXPECT_EQ(decide_progress_waiting(std::string("0"), true, 8, 2).yield_when_idle, std::nullopt);
  // --wait busy polls even on a crowded node; --wait polite yields on an empty one
  EXPECT_EQ(decide_progress_waiting(std::nullopt, false, 8, 2).yield_when_idle, std::optional<std::string>("0"));
  EXPECT_EQ(decide_progress_waiting(std::nullopt, true, 1, 2).yield_when_idle, std::optional<std::string>("1"));
}

}  // namespace
}  // namespace berkeley::mpi
