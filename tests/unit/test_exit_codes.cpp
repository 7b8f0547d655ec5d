// Exit codes of the berkeley_* programs (cli/exit_codes): each RunStatus maps to its own code, an interrupted run
// to 128 + the signal as a shell reports it.
#include <gtest/gtest.h>

#include <csignal>
#include <set>

#include "cli/exit_codes.hpp"
#include "core/run_status.hpp"

namespace berkeley {
namespace {

// usable where a constant is needed
static_assert(exit_code(RunOutcome{}) == kExitOk);
static_assert(exit_code({RunStatus::interrupted, SIGINT}) == 130);

TEST(ExitCode, EachStatusHasTheDocumentedCode) {
  EXPECT_EQ(exit_code({RunStatus::ok, 0}), 0);
  EXPECT_EQ(exit_code({RunStatus::output_error, 0}), 3);
  EXPECT_EQ(exit_code({RunStatus::precision_failed, 0}), 4);
  EXPECT_EQ(exit_code({RunStatus::network_error, 0}), 5);
  EXPECT_EQ(exit_code({RunStatus::refused, 0}), 6);
  // the named constants say the same as the numbers the help texts print
  EXPECT_EQ(kExitInternalError, 1);
  EXPECT_EQ(kExitUsage, 2);
}

TEST(ExitCode, TheSignalOnlyMattersForAnInterruptedRun) {
  EXPECT_EQ(exit_code({RunStatus::ok, SIGTERM}), kExitOk);
  EXPECT_EQ(exit_code({RunStatus::network_error, SIGINT}), kExitNetworkError);
}

TEST(ExitCode, InterruptedIs128PlusTheSignalAsAShellSaysIt) {
  EXPECT_EQ(exit_code({RunStatus::interrupted, SIGINT}), 130);
  EXPECT_EQ(exit_code({RunStatus::interrupted, SIGTERM}), 143);
  EXPECT_EQ(exit_code({RunStatus::interrupted, SIGHUP}), 129);
}

TEST(ExitCode, EveryStatusMeansOneThing) {
  const RunStatus all[] = {
      RunStatus::ok,      RunStatus::output_error, RunStatus::precision_failed, RunStatus::network_error,
      RunStatus::refused, RunStatus::interrupted};
  std::set<int> codes{kExitInternalError, kExitUsage};  // taken by what no library reports
  for (const RunStatus status : all) {
    const int code = exit_code({status, SIGINT});
    EXPECT_TRUE(codes.insert(code).second) << "code " << code << " used twice";
  }
}

TEST(ExitCode, AStatusItDoesNotKnowIsAnInternalError) {
  EXPECT_EQ(exit_code({static_cast<RunStatus>(99), 0}), kExitInternalError);
}

}  // namespace
}  // namespace berkeley
