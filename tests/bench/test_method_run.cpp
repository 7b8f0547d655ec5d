// One method's benchmark run (bench/mpi/method_run.hpp), kept short: a few timed syncs and a few probed ones.
// Rank 0 gets as many figures as were asked for, medians that are the medians of those figures, and spreads
// that keep the bound each sync states. With simulated clocks the spreads are the truth, exactly (no read
// windows; no drift, so the spread later is the spread just after); with MPI_Wtime (Open MPI's: a shift of the
// shared CLOCK_MONOTONIC) the calibration pins the truth down and the spreads keep the bound within it.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <boost/mpi/communicator.hpp>
#include <string>
#include <vector>

#include "bench/mpi/floors.hpp"
#include "bench/mpi/method_run.hpp"

namespace berkeley {
namespace {

namespace bmpi = boost::mpi;
using mpi::bench::MethodFigures;
using mpi::bench::MethodRunOptions;

constexpr int kSyncs = 3;
constexpr int kProbes = 2;

MethodRunOptions short_run(SyncMethod method, bool simulated) {
  MethodRunOptions options;
  options.method = method;
  options.syncs = kSyncs;
  options.probes = kProbes;
  options.node_size = 2;
  options.later_ns = Nanoseconds{10'000'000};
  options.simulated = simulated;
  return options;
}

// rank 0: the figures' shape and medians, and every probed spread within the sync's stated bound + `slack`
void expect_figures_keep_their_word(const MethodFigures& f, SyncMethod method, Nanoseconds slack) {
  EXPECT_EQ(f.method, method);
  ASSERT_EQ(f.sync_times_ns.size(), static_cast<std::size_t>(kSyncs));
  ASSERT_EQ(f.spreads_after_ns.size(), static_cast<std::size_t>(kProbes));
  ASSERT_EQ(f.spread_bounds_ns.size(), static_cast<std::size_t>(kProbes));
  ASSERT_EQ(f.probe_read_windows_ns.size(), static_cast<std::size_t>(kProbes));
  for (const Nanoseconds t : f.sync_times_ns) EXPECT_GT(t, Nanoseconds{0});
  EXPECT_GT(f.median_floor_ns, Nanoseconds{0});
  EXPECT_GT(f.median_reported_sync_time_ns, Nanoseconds{0});
  EXPECT_EQ(f.median_sync_time_ns, mpi::bench::median_of(f.sync_times_ns));
  EXPECT_EQ(f.median_spread_after_ns, mpi::bench::median_of(f.spreads_after_ns));
  EXPECT_EQ(f.max_spread_after_ns, *std::max_element(f.spreads_after_ns.begin(), f.spreads_after_ns.end()));
  for (std::size_t i = 0; i < f.spreads_after_ns.size(); ++i) {
    EXPECT_NE(f.spread_bounds_ns[i], Nanoseconds::max()) << "probe " << i << ": the sync stated no bound";
    EXPECT_GE(f.spreads_after_ns[i], Nanoseconds{0});
    EXPECT_LE(f.spreads_after_ns[i], f.spread_bounds_ns[i] + 2 * f.probe_read_windows_ns[i] + slack)
        << "probe " << i << ": true spread " << f.spreads_after_ns[i].count() << " ns, stated bound "
        << f.spread_bounds_ns[i].count() << " ns";
  }
}

class MethodRun : public ::testing::TestWithParam<SyncMethod> {};

TEST_P(MethodRun, SimulatedClocksGiveExactSpreadsWithinTheStatedBounds) {
  const bmpi::communicator world;
  const MethodFigures f = mpi::bench::run_method(world, short_run(GetParam(), true));
  if (world.rank() != 0) {
    EXPECT_TRUE(f.sync_times_ns.empty() && f.spreads_after_ns.empty() && f.spread_bounds_ns.empty());
    return;
  }
  expect_figures_keep_their_word(f, GetParam(), Nanoseconds{0});
  for (const Nanoseconds window : f.probe_read_windows_ns) EXPECT_EQ(window, Nanoseconds{0}) << "computed, not read";
  EXPECT_FALSE(f.truth_calibrated);
  EXPECT_EQ(f.truth_bound_ns, Nanoseconds{0});
  // no drift, constant corrections: the clocks are as far apart 10 ms later as just after
  EXPECT_EQ(f.median_spread_later_ns, f.median_spread_after_ns);
  if (world.size() == 1) {
    EXPECT_EQ(f.max_spread_after_ns, Nanoseconds{0});
  }
}

INSTANTIATE_TEST_SUITE_P(AllMethods, MethodRun,
                         ::testing::Values(SyncMethod::collective, SyncMethod::pingpong, SyncMethod::tree),
                         [](const ::testing::TestParamInfo<SyncMethod>& param_info) {
                           return std::string(sync_method_name(param_info.param));
                         });

// No probed syncs asked for: no spreads, and their figures are 0 (the median of none is 0; so is their maximum),
// not a read past the end of an empty list.
TEST(MethodRunWithoutProbes, HasNoSpreadsAndZeroSpreadFigures) {
  const bmpi::communicator world;
  MethodRunOptions options = short_run(SyncMethod::collective, true);
  options.probes = 0;
  const MethodFigures f = mpi::bench::run_method(world, options);
  if (world.rank() != 0) return;
  EXPECT_EQ(f.sync_times_ns.size(), static_cast<std::size_t>(kSyncs));
  EXPECT_TRUE(f.spreads_after_ns.empty());
  EXPECT_TRUE(f.spread_bounds_ns.empty());
  EXPECT_EQ(f.median_spread_after_ns, Nanoseconds{0});
  EXPECT_EQ(f.median_spread_later_ns, Nanoseconds{0});
  EXPECT_EQ(f.max_spread_after_ns, Nanoseconds{0});
}

bool is_open_mpi() {
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(version, &length);
  return std::string(version, static_cast<std::size_t>(length)).find("Open MPI") != std::string::npos;
}

// MPI_Wtime: the truth is each rank's calibrated shift of CLOCK_MONOTONIC, known within truth_bound_ns, so a
// spread may exceed the stated bound by twice that (two clocks, each off by at most the bound), no more.
TEST(MethodRunOnWtime, TheCalibratedTruthKeepsTheStatedBounds) {
  const bmpi::communicator world;
  const MethodFigures f = mpi::bench::run_method(world, short_run(SyncMethod::pingpong, false));
  if (world.rank() != 0) return;
  if (is_open_mpi()) {
    EXPECT_TRUE(f.truth_calibrated) << "Open MPI's MPI_Wtime is a shift of CLOCK_MONOTONIC: the calibrations agree";
  }
  if (!f.truth_calibrated) GTEST_SKIP() << "MPI_Wtime is not a shift of CLOCK_MONOTONIC here: no exact truth";
  EXPECT_GE(f.truth_bound_ns, Nanoseconds{0});
  expect_figures_keep_their_word(f, SyncMethod::pingpong, 2 * f.truth_bound_ns);
}

}  // namespace
}  // namespace berkeley
