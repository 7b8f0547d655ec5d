// raise_descriptor_limit (transport/tcp/fd_limit): the soft RLIMIT_NOFILE goes up toward what is wanted, never
// past the hard limit, never down. Each test puts the process's limit back as it found it.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdint>
#include <limits>

#include "transport/tcp/fd_limit.hpp"

namespace berkeley::tcp {
namespace {

rlimit current_limit() {
  rlimit limit{};
  EXPECT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  return limit;
}

class FdLimit : public ::testing::Test {
 protected:
  void SetUp() override { saved_ = current_limit(); }
  void TearDown() override { EXPECT_EQ(setrlimit(RLIMIT_NOFILE, &saved_), 0); }
  // the soft limit set to `soft` (a process may always lower it, and raise it back up to the hard limit)
  static void set_soft(rlim_t soft) {
    rlimit limit = current_limit();
    limit.rlim_cur = soft;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
  }
  rlimit saved_{};
};

TEST_F(FdLimit, NeverLowersTheSoftLimit) {
  set_soft(64);
  EXPECT_EQ(raise_descriptor_limit(1), 64U);
  EXPECT_EQ(raise_descriptor_limit(64), 64U);
  EXPECT_EQ(current_limit().rlim_cur, 64U);
}

TEST_F(FdLimit, RaisesTheSoftLimitToWhatIsWanted) {
  if (saved_.rlim_max != RLIM_INFINITY && saved_.rlim_max < 100) GTEST_SKIP() << "hard limit " << saved_.rlim_max;
  set_soft(64);
  EXPECT_EQ(raise_descriptor_limit(100), 100U);
  EXPECT_EQ(current_limit().rlim_cur, 100U);
  EXPECT_EQ(current_limit().rlim_max, saved_.rlim_max);  // the hard limit is left alone
}

TEST_F(FdLimit, NeverPastTheHardLimit) {
  if (saved_.rlim_max == RLIM_INFINITY) GTEST_SKIP() << "no hard limit here";
  if (saved_.rlim_max < 64) GTEST_SKIP() << "hard limit " << saved_.rlim_max;
  set_soft(32);
  const std::uint64_t hard = saved_.rlim_max;
  EXPECT_EQ(raise_descriptor_limit(hard + 1000), hard);
  EXPECT_EQ(current_limit().rlim_cur, hard);
}

TEST_F(FdLimit, AnUnlimitedSoftLimitIsReportedAsUnlimited) {
  if (saved_.rlim_max != RLIM_INFINITY) GTEST_SKIP() << "the hard limit " << saved_.rlim_max << " forbids it";
  set_soft(RLIM_INFINITY);
  EXPECT_EQ(raise_descriptor_limit(10), std::numeric_limits<std::uint64_t>::max());
}

}  // namespace
}  // namespace berkeley::tcp
