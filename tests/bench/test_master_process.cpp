// The benchmark's child process (bench/tcp/master_process): its first stdout line within a bound, a pipe kept
// drained, its exit status and peak RSS from a bounded wait, and no process left behind. Stand-ins are small
// /bin/sh and Python programs; one test runs the real berkeley_master, whose first line the benchmark scrapes.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bench/tcp/master_process.hpp"

namespace berkeley::tcp::bench {
namespace {

// bounds that only a broken MasterProcess reaches (the children here finish in milliseconds)
constexpr int kBoundSeconds = 60;

MasterProcess shell(const std::string& script) { return MasterProcess({"/bin/sh", "-c", script}); }

TEST(TemporaryReport, AnEmptyFileOfItsOwnRemovedAtTheEnd) {
  std::string first_path;
  {
    const TemporaryReport first;
    const TemporaryReport second;
    first_path = first.path();
    EXPECT_EQ(first_path.rfind("/tmp/berkeley_tcp_bench_", 0), 0U) << first_path;
    EXPECT_NE(first_path, std::string(second.path()));
    struct stat info {};
    ASSERT_EQ(stat(first.path(), &info), 0) << first.path();
    EXPECT_TRUE(S_ISREG(info.st_mode));
    EXPECT_EQ(info.st_size, 0);
  }
  struct stat info {};
  EXPECT_EQ(stat(first_path.c_str(), &info), -1) << first_path << " left behind";
  EXPECT_EQ(errno, ENOENT);
}

TEST(MasterProcess, FirstLineIsTheLineWithoutItsNewline) {
  MasterProcess child = shell("echo 'berkeley_master: listening on 127.0.0.1:40123, waiting'; echo second");
  EXPECT_EQ(child.first_line(kBoundSeconds), "berkeley_master: listening on 127.0.0.1:40123, waiting");
  child.drain_in_background();
  const auto status = child.wait(kBoundSeconds);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->first, 0);
}

TEST(MasterProcess, NoLineWhenTheOutputEndsBeforeANewline) {
  MasterProcess silent = shell("exit 0");
  EXPECT_EQ(silent.first_line(kBoundSeconds), std::nullopt);
  MasterProcess partial = shell("printf 'listening on 127.0.0.1:1'");
  EXPECT_EQ(partial.first_line(kBoundSeconds), std::nullopt);
}

TEST(MasterProcess, NoLineWithinTheBoundFromAChildThatSaysNothing) {
  MasterProcess child = shell("exec sleep 600");
  EXPECT_EQ(child.first_line(1), std::nullopt);
  EXPECT_EQ(child.wait(1), std::nullopt);  // still running
}

TEST(MasterProcess, ExitStatusAsAShellReportsIt) {
  MasterProcess seven = shell("exit 7");
  const auto status = seven.wait(kBoundSeconds);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->first, 7);

  MasterProcess terminated = shell("kill -TERM $$");
  const auto signalled = terminated.wait(kBoundSeconds);
  ASSERT_TRUE(signalled.has_value());
  EXPECT_EQ(signalled->first, 128 + SIGTERM);
}

TEST(MasterProcess, ADrainedChildNeverBlocksOnItsOutput) {
  // 4 MiB after the first line: far more than a pipe holds, so the child finishes only if the pipe is drained
  MasterProcess child = shell("echo ready; head -c 4194304 /dev/zero; exit 3");
  ASSERT_EQ(child.first_line(kBoundSeconds), "ready");
  child.drain_in_background();
  const auto status = child.wait(kBoundSeconds);
  ASSERT_TRUE(status.has_value()) << "the child blocked on its stdout";
  EXPECT_EQ(status->first, 3);
}

TEST(MasterProcess, PeakRssIsTheChildsInKiB) {
  constexpr long kMiB = 1024;  // in KiB
  MasterProcess big({BERKELEY_TEST_PYTHON, "-c", "b = b'x' * (96 << 20)"});
  const auto big_status = big.wait(kBoundSeconds);
  ASSERT_TRUE(big_status.has_value());
  EXPECT_EQ(big_status->first, 0);
  EXPECT_GE(big_status->second, 96 * kMiB);
  EXPECT_LT(big_status->second, 1024 * kMiB);

  MasterProcess small = shell("exit 0");
  const auto small_status = small.wait(kBoundSeconds);
  ASSERT_TRUE(small_status.has_value());
  EXPECT_GT(small_status->second, 0);
  EXPECT_LT(small_status->second, 96 * kMiB);  // not bytes, not the test's own RSS
}

TEST(MasterProcess, AChildStillRunningAtTheEndIsKilledAndReaped) {
  pid_t pid = 0;
  {
    MasterProcess child = shell("echo $$; exec sleep 600");
    const std::optional<std::string> line = child.first_line(kBoundSeconds);
    ASSERT_TRUE(line.has_value());
    pid = static_cast<pid_t>(std::stol(*line));
    ASSERT_EQ(kill(pid, 0), 0) << "the child should be running";
    child.drain_in_background();  // the reader must end too
  }
  // reaped: the pid names no process (not even a zombie) of ours any more
  EXPECT_EQ(kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST(MasterProcess, AProgramThatCannotStartIsNamed) {
  try {
    MasterProcess child({"/nonexistent/berkeley_master", "3"});
    ADD_FAILURE() << "started a program that does not exist";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot start /nonexistent/berkeley_master"), std::string::npos)
        << error.what();
  }
}

TEST(MasterProcess, TheRealMastersFirstLineSaysWhereItListens) {
  // nobody joins: the master gives up after its join timeout (exit 5)
  MasterProcess master({BERKELEY_TEST_MASTER, "1", "--port", "0", "--join-timeout", "100ms"});
  const std::optional<std::string> line = master.first_line(kBoundSeconds);
  ASSERT_TRUE(line.has_value());
  const std::string prefix = "berkeley_master: listening on 127.0.0.1:";
  ASSERT_EQ(line->rfind(prefix, 0), 0U) << *line;
  const std::string port = line->substr(prefix.size(), line->find(',', prefix.size()) - prefix.size());
  EXPECT_GT(std::stoi(port), 0) << *line;
  master.drain_in_background();
  const auto status = master.wait(kBoundSeconds);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->first, 5);
}

}  // namespace
}  // namespace berkeley::tcp::bench
