// Ground-truth precision of every method over MPI: simulated clocks of known offset (and drift), their
// values at one shared CLOCK_MONOTONIC instant (exact: a simulated clock is a known function of it), and
// the promises the sync makes checked against that truth: every estimate within its stated uncertainty,
// every clock within its stated bound of the master's, the audit holding the truth, the drift fit's rate
// within its worst-case bound. None of them depends on how fast the machine is; a busy machine makes the
// bounds wide, and they must hold all the same. Only coarse caps that no load can break are fixed.
#include <gtest/gtest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <thread>

#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "sync_claims.hpp"
#include "transport/mpi/audit.hpp"
#include "transport/mpi/instant_probe.hpp"
#include "transport/mpi/synchronize.hpp"

namespace berkeley {
namespace {

namespace bmpi = boost::mpi;
constexpr Nanoseconds kSecond{1'000'000'000};
constexpr Nanoseconds kInstantLead{20'000'000};
constexpr std::uint64_t kSeed = 21;

struct Case {
  SyncMethod method;
  int node_size;
};

class Precision : public ::testing::TestWithParam<Case> {};

TEST_P(Precision, EveryClaimOfTheSyncHoldsAgainstTheTruth) {
  const bmpi::communicator world;
  const MonotonicClock reference;
  auto drawn = [](int rank) { return draw_simulated_clock(kSeed, static_cast<std::uint64_t>(rank), kSecond, 0); };
  const SimulatedClock local(reference, drawn(world.rank()), reference.now());
  CorrectedClock clock(local);
  mpi::SyncOptions options;
  options.method = GetParam().method;
  options.virtual_node_size = GetParam().node_size;
  options.tolerance_ns = 2 * kSecond;
  const auto outcome = mpi::synchronize(world, clock, options);
  const auto audits = mpi::audit_offsets(world, clock, 8);
  const auto readings = mpi::probe_shared_instant(world, clock, reference, kInstantLead);
  if (world.rank() != 0) return;

  ASSERT_EQ(readings.size(), static_cast<std::size_t>(world.size()));
  ASSERT_EQ(outcome.first_estimates.size(), readings.size());
  std::vector<ClockReading> before;
  std::vector<ClockReading> after;
  for (const auto& r : readings) {
    before.push_back(r.raw_ns);
    after.push_back(r.corrected_ns);
  }
  // the estimates: each rank's measured offset from rank 0 (before any correction: the drawn offsets'
  // difference) within the uncertainty it states (+1 ns of integer rounding)
  for (int r = 1; r < world.size(); ++r) {
    ASSERT_TRUE(outcome.first_estimates[r].has_value()) << "rank " << r;
    const OffsetEstimate& e = outcome.first_estimates[r]->best;
    const Nanoseconds truth = drawn(r).offset_ns - drawn(0).offset_ns;
    EXPECT_LE(std::abs((e.offset_ns - truth).count()), e.uncertainty_ns.count() + 1)
        << "rank " << r << ": estimate " << e.offset_ns.count() << " +- " << e.uncertainty_ns.count() << " ns, truth "
        << truth.count() << " ns";
  }
  // the result: every clock within its stated bound of the master's, the audit holding the truth
  test::expect_within_stated_bounds(outcome, readings);
  test::expect_audits_hold_the_truth(audits, readings);
  // Berkeley moves the master by the average and every other clock by the average minus its estimate: the
  // mean of all clocks stays where it was, whatever the estimates' errors (nobody excluded here), to 1 ns
  // of integer rounding per round
  std::int64_t moved = 0;
  for (const auto& r : readings) moved += (r.corrected_ns - r.raw_ns).count();
  EXPECT_LE(std::abs(moved / world.size()), 2) << "the clocks' mean moved by " << moved / world.size() << " ns";
  // coarse caps: the clocks did differ, and no load leaves them anywhere near that far apart
  EXPECT_GT(spread_of(before), Nanoseconds{100'000'000});
  EXPECT_LE(spread_of(after), test::coarse_cap(spread_of(before)));
  if (GetParam().method == SyncMethod::tree && GetParam().node_size > 0) {
    const int nodes = (world.size() + GetParam().node_size - 1) / GetParam().node_size;
    ASSERT_EQ(outcome.levels.size(), 2U);
    EXPECT_EQ(outcome.levels[0].groups, nodes);
    EXPECT_EQ(outcome.levels[0].ranks_measured, world.size() - nodes);  // everyone but the leaders
    EXPECT_EQ(outcome.levels[1].ranks_measured, nodes - 1);             // every leader but rank 0
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, Precision,
                         ::testing::Values(Case{SyncMethod::pingpong, 0}, Case{SyncMethod::tree, 2},
                                           Case{SyncMethod::tree, 3}),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return std::string(sync_method_name(param_info.param.method)) + "_node" +
                                  std::to_string(param_info.param.node_size);
                         });

// A clock that takes a while to read: it shows its value as the wait ends. On every rank but rank 0 this
// puts each remote read at the late end of its round trip (or, in the collective, each member's second
// reading late after the scatter), so the estimates err by nearly their whole stated uncertainty, not by
// the few percent of it a quick read gives: the case that shows whether the bounds are really bounds.
class SlowToRead final : public Clock {
 public:
  SlowToRead(const Clock& clock, std::chrono::microseconds delay) : clock_(clock), delay_(delay) {}
  [[nodiscard]] ClockReading now() const override {
    std::this_thread::sleep_for(delay_);
    return clock_.now();
  }
  [[nodiscard]] std::optional<ClockReading> exact_at(const Clock& reference, ClockReading reference_ns) const override {
    return clock_.exact_at(reference, reference_ns);
  }

 private:
  const Clock& clock_;
  std::chrono::microseconds delay_;
};

class WorstCase : public ::testing::TestWithParam<Case> {};

TEST_P(WorstCase, EstimatesThatErrByNearlyTheirWholeBoundStillKeepIt) {
  const bmpi::communicator world;
  const MonotonicClock reference;
  auto drawn = [](int rank) { return draw_simulated_clock(kSeed, static_cast<std::uint64_t>(rank), kSecond, 0); };
  const SimulatedClock simulated(reference, drawn(world.rank()), reference.now());
  const SlowToRead slow(simulated, std::chrono::microseconds(200));
  CorrectedClock clock(world.rank() == 0 ? static_cast<const Clock&>(simulated) : slow);
  mpi::SyncOptions options;
  options.method = GetParam().method;
  options.virtual_node_size = GetParam().node_size;
  options.tolerance_ns = 2 * kSecond;
  const auto outcome = mpi::synchronize(world, clock, options);
  const auto readings = mpi::probe_shared_instant(world, clock, reference, kInstantLead);
  if (world.rank() != 0) return;

  ASSERT_EQ(outcome.first_estimates.size(), readings.size());
  for (int r = 1; r < world.size(); ++r) {
    ASSERT_TRUE(outcome.first_estimates[r].has_value()) << "rank " << r;
    const OffsetEstimate& e = outcome.first_estimates[r]->best;
    const Nanoseconds error = e.offset_ns - (drawn(r).offset_ns - drawn(0).offset_ns);
    EXPECT_LE(std::abs(error.count()), e.uncertainty_ns.count())
        << "rank " << r << ": estimate off by " << error.count() << " ns, stated +- " << e.uncertainty_ns.count();
  }
  test::expect_within_stated_bounds(outcome, readings);
}

INSTANTIATE_TEST_SUITE_P(Methods, WorstCase,
                         ::testing::Values(Case{SyncMethod::collective, 0}, Case{SyncMethod::pingpong, 0},
                                           Case{SyncMethod::tree, 2}),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return std::string(sync_method_name(param_info.param.method)) + "_node" +
                                  std::to_string(param_info.param.node_size);
                         });

// Drift: ten rounds 100 ms apart, clocks drifting ±50 ppm. The fit's rate is the true one within its
// worst-case bound, every rank applies what the plan says, and 10 s later every clock is within its stated
// bound of the master's (the truth there is exact: simulated clocks).
TEST(Drift, TheFittedRatesAndTheErrorTenSecondsLaterAreWithinTheirBounds) {
  constexpr double kDriftPpm = 50.0;
  const bmpi::communicator world;
  const MonotonicClock reference;
  auto drawn = [](int rank) { return draw_simulated_clock(5, static_cast<std::uint64_t>(rank), kSecond, kDriftPpm); };
  const SimulatedClock local(reference, drawn(world.rank()), reference.now());
  CorrectedClock clock(local);
  mpi::SyncOptions options;
  options.method = SyncMethod::pingpong;
  options.rounds = 10;
  options.interval_ns = Nanoseconds{100'000'000};
  options.tolerance_ns = 2 * kSecond;
  ASSERT_TRUE(options.corrects_drift());
  const auto outcome = mpi::synchronize(world, clock, options);
  std::vector<double> rates;
  bmpi::gather(world, clock.rate_ppm(), rates, 0);
  const auto readings = mpi::probe_shared_instant(world, clock, reference, kInstantLead, {10 * kSecond});
  if (world.rank() != 0) return;

  ASSERT_TRUE(outcome.drift.has_value());
  std::vector<ClockReading> raw_later;
  std::vector<ClockReading> corrected_later;
  for (const auto& r : readings) {
    ASSERT_TRUE(r.later_raw_ns[0] && r.later_corrected_ns[0]);  // simulated clocks: known at any instant
    raw_later.push_back(*r.later_raw_ns[0]);
    corrected_later.push_back(*r.later_corrected_ns[0]);
  }
  const ClockReading master_later = raw_later.front();
  for (int r = 0; r < world.size(); ++r) {
    const RankDriftPlan& plan = outcome.drift->ranks[static_cast<std::size_t>(r)];
    // every rank runs at the rate its plan gives it (0 where the fit did not show a drift above its noise)
    EXPECT_EQ(rates[static_cast<std::size_t>(r)], plan.correction.rate_ppm) << "rank " << r;
    // the fitted drift against the master is the true one within its worst-case bound (+ the second-order
    // difference between the master's frame and the reference's: 50 ppm of 100 ppm)
    const double true_ppm = drawn(r).drift_ppm - drawn(0).drift_ppm;
    EXPECT_LE(std::fabs(plan.fit.drift_ppm - true_ppm), plan.fit.drift_bound_ppm * (1 + kMaxRelativeRate) + 0.01)
        << "rank " << r << ": fitted " << plan.fit.drift_ppm << " ppm +- " << plan.fit.drift_bound_ppm << ", true "
        << true_ppm;
    // 10 s later: within the plan's bound of the master's clock
    const std::optional<Nanoseconds> bound = outcome.bound_from_master(static_cast<std::size_t>(r), master_later);
    ASSERT_TRUE(bound.has_value()) << "rank " << r;
    const Nanoseconds truth = corrected_later[static_cast<std::size_t>(r)] - corrected_later.front();
    EXPECT_LE(std::abs(truth.count()), bound->count())
        << "rank " << r << ": " << truth.count() << " ns from rank 0 at +10 s";
  }
  // coarse cap: 10 s later the corrected clocks are still far closer than the raw ones (a tenth: a rate
  // fitted on a loaded machine may be off by its wide bound, and 10 s magnify it)
  EXPECT_LE(spread_of(corrected_later), spread_of(raw_later) / 10);
}

}  // namespace
}  // namespace berkeley
