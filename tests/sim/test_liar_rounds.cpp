// A participant that lies, against the round engine (sync/round.hpp's run_round, the code every transport
// runs): a simulated group of known truth, round after round, with one liar among 4, 8 and 32. The liar is
// omniscient (it knows the others' offsets and the tolerance it will be held to) and never applies its
// corrections. Checked every round: the honest clocks' time moved by exactly what the step says one clock
// could move it (BerkeleyStep::one_clock_influence_ns), and from the second round on that is within the
// a-priori bound of docs/security.md: (8·B + 4·kMaxRelativeRate·Δt) / k, B ≤ 2·(the honest members' largest
// uncertainty). A first-round liar moves it by at most (τ + honest spread) / k once.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "core/median.hpp"
#include "core/splitmix64.hpp"
#include "sync/round.hpp"

namespace berkeley {
namespace {

constexpr Nanoseconds kTau{1'000'000'000};        // the user's tolerance (berkeley_mpi's default)
constexpr Nanoseconds kUncertainty{20'000};       // every honest measurement: ±20 µs (TCP on a LAN)
constexpr Nanoseconds kInterval{100'000'000};     // rounds 100 ms apart
constexpr Nanoseconds kHonestSpread{10'000'000};  // honest clocks start within ±5 ms
constexpr int kRounds = 20;

enum class Lie { plus_one_hour, just_inside, alternating, slow_just_inside };

std::string name_of(Lie lie) {
  switch (lie) {
    case Lie::plus_one_hour:
      return "+1 h";
    case Lie::just_inside:
      return "just inside its tolerance";
    case Lie::alternating:
      return "alternating ± its tolerance";
    case Lie::slow_just_inside:
      return "slow (±10 ms) and just inside";
  }
  return "?";
}

// A group of `n` clocks of known truth (true time: the round's instant), participant 0 the master. Honest
// clocks read truth + offset + corrections; a measurement of one is off by a seeded draw within ±u.
class SimulatedGroup final : public RoundTransport {
 public:
  SimulatedGroup(int n, std::uint64_t seed, std::optional<int> liar, Lie lie, RoundWork& work)
      : n_(static_cast<std::size_t>(n)), seed_(seed), liar_(liar), lie_(lie), work_(work), offsets_(n_) {
    for (std::size_t i = 0; i < n_; ++i) {
      const double unit = static_cast<double>(mix64(seed ^ (i * 7919)) >> 11) * 0x1.0p-53;
      offsets_[i] = Nanoseconds{static_cast<std::int64_t>((unit - 0.5) * static_cast<double>(kHonestSpread.count()))};
    }
  }

  const GroupEstimates& measure() override {
    ++round_;
    const Nanoseconds now = kInterval * round_;
    estimates_.assign(n_, std::nullopt);
    // the master's own clock: honest, or (a lying master) whatever the lie needs
    const Nanoseconds master = is_liar(0) ? Nanoseconds{0} : offsets_[0];
    for (std::size_t i = 0; i < n_; ++i) {
      PeerEstimate e;
      if (i != 0) {
        e.best.uncertainty_ns = kUncertainty;
        e.best.round_trip_ns = 2 * kUncertainty;
        e.best.local_midpoint_ns = ClockReading{now + master};
        e.best.offset_ns = offsets_[i] - master + noise(i);
      }
      estimates_[i] = e;
    }
    if (liar_) lie_now();
    return estimates_;
  }

  Nanoseconds deliver(const GroupStep& step) override {
    last_influence_ = step.step.one_clock_influence_ns;
    last_averaged_ = step.step.clocks_averaged;
    last_excluded_ = step.step.excluded;
    // the honest clocks apply their corrections; the liar never does
    const Nanoseconds before = honest_mean();
    for (std::size_t i = 0; i < n_; ++i) {
      if (!is_liar(i)) offsets_[i] += step.step.corrections_ns[i];
    }
    last_move_ = honest_mean() - before;
    return step.step.corrections_ns[0];
  }

  [[nodiscard]] Nanoseconds honest_mean() const {
    std::int64_t sum = 0;
    std::int64_t count = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      if (is_liar(i)) continue;
      sum += offsets_[i].count();
      ++count;
    }
    return Nanoseconds{sum / count};
  }
  [[nodiscard]] Nanoseconds last_move() const { return last_move_; }
  [[nodiscard]] Nanoseconds last_influence() const { return last_influence_; }
  [[nodiscard]] std::size_t last_averaged() const { return last_averaged_; }
  [[nodiscard]] bool liar_excluded() const { return liar_ && last_excluded_[static_cast<std::size_t>(*liar_)]; }
  [[nodiscard]] Nanoseconds honest_spread() const {
    Nanoseconds lo = Nanoseconds::max();
    Nanoseconds hi = Nanoseconds::min();
    for (std::size_t i = 0; i < n_; ++i) {
      if (is_liar(i)) continue;
      lo = std::min(lo, offsets_[i]);
      hi = std::max(hi, offsets_[i]);
    }
    return hi - lo;
  }
  // a clock that jumps (honest otherwise)
  void jump(std::size_t member, Nanoseconds by) { offsets_[member] += by; }

 private:
  [[nodiscard]] bool is_liar(std::size_t i) const { return liar_ && static_cast<std::size_t>(*liar_) == i; }

  [[nodiscard]] Nanoseconds noise(std::size_t i) const {
    const double unit =
        static_cast<double>(mix64(seed_ ^ mix64(static_cast<std::uint64_t>(round_) * 1000003 + i)) >> 11) * 0x1.0p-53;
    return Nanoseconds{static_cast<std::int64_t>((2 * unit - 1) * static_cast<double>(kUncertainty.count()))};
  }

  // The lie: the liar's estimate (or, for a lying master, everyone else's) set to what its strategy wants,
  // knowing the tolerance the engine will hold it to this round.
  void lie_now() {
    const auto l = static_cast<std::size_t>(*liar_);
    if (lie_ == Lie::slow_just_inside && l != 0) {
      estimates_[l]->best.uncertainty_ns = Nanoseconds{10'000'000};
      estimates_[l]->best.round_trip_ns = Nanoseconds{20'000'000};
    }
    SynchronizedTolerance peek = work_.tolerance;
    const Nanoseconds tolerance = peek.tolerances(estimates_, kTau)[l];
    // the median the engine will see with the liar at the top (or bottom) of the group
    std::vector<Nanoseconds> others;
    for (std::size_t i = 0; i < n_; ++i) {
      if (i != l) others.push_back(estimates_[i]->best.offset_ns);
    }
    const int sign = lie_ == Lie::alternating && round_ % 2 == 0 ? -1 : 1;
    // a lying member sits above the others for +, below for −; a lying master's 0 the other way round
    const bool liar_on_top = (l != 0) == (sign > 0);
    others.push_back(liar_on_top ? Nanoseconds::max() / 4 : Nanoseconds::min() / 4);
    std::vector<Nanoseconds> scratch;
    const Nanoseconds median = midpoint_median(others, scratch);
    const Nanoseconds wanted = lie_ == Lie::plus_one_hour ? Nanoseconds{3'600'000'000'000} : median + sign * tolerance;
    if (l != 0) {
      estimates_[l]->best.offset_ns = wanted;
      return;
    }
    // a lying master: its own estimate stays 0, so it moves everyone else's by the opposite of its lie
    // (for "just inside": the others' median ends up at +tolerance from its 0)
    const Nanoseconds shift = lie_ == Lie::plus_one_hour ? -wanted : sign * tolerance - median;
    for (std::size_t i = 1; i < n_; ++i) estimates_[i]->best.offset_ns += shift;
  }

  std::size_t n_;
  std::uint64_t seed_;
  std::optional<int> liar_;
  Lie lie_;
  RoundWork& work_;
  std::vector<Nanoseconds> offsets_;  // honest clocks: their true error (the liar's entry unused)
  GroupEstimates estimates_;
  std::int64_t round_ = 0;
  Nanoseconds last_move_{0};
  Nanoseconds last_influence_{0};
  std::size_t last_averaged_ = 0;
  std::vector<bool> last_excluded_;
};

// The a-priori bound of a later round (docs/security.md): (8·B + 4·ρ·Δt) / k, B ≤ 2u; Δt at most two intervals.
Nanoseconds later_round_bound(std::size_t averaged) {
  const double drift = 4.0 * kMaxRelativeRate * static_cast<double>(2 * kInterval.count());
  const double bound = (8.0 * 2.0 * static_cast<double>(kUncertainty.count()) + drift) / static_cast<double>(averaged);
  return Nanoseconds{static_cast<std::int64_t>(std::ceil(bound))};
}

struct LiarCase {
  int n;
  int liar;  // 0: the master lies
  Lie lie;
};

class LiarRounds : public ::testing::TestWithParam<LiarCase> {};

TEST_P(LiarRounds, MovesTheGroupOnlyByWhatTheBoundAllows) {
  const LiarCase c = GetParam();
  RoundWork work;
  SimulatedGroup group(c.n, 42 + static_cast<std::uint64_t>(c.n), c.liar, c.lie, work);
  const Nanoseconds start = group.honest_mean();
  const Nanoseconds first_spread = group.honest_spread();
  Nanoseconds later_moves{0};
  Nanoseconds later_bounds{0};
  for (int round = 1; round <= kRounds; ++round) {
    (void)run_round(group, kTau, work);
    const Nanoseconds move = std::chrono::abs(group.last_move());
    // exactly what one averaged clock can move the mean of the others (+1 ns of integer division)
    EXPECT_LE(move, group.last_influence() + Nanoseconds{1}) << "round " << round;
    if (round == 1) {
      const auto k = static_cast<std::int64_t>(group.last_averaged());
      EXPECT_LE(move, (kTau + first_spread) / k + Nanoseconds{1});
      continue;
    }
    const Nanoseconds bound = later_round_bound(group.last_averaged());
    EXPECT_LE(group.last_influence(), bound) << "round " << round;
    later_moves += move;
    later_bounds += bound;
    // the honest clocks are never left out once synchronized (their errors are within what they stated)
    EXPECT_GE(group.last_averaged(), static_cast<std::size_t>(c.n - 1)) << "round " << round;
    if (c.lie == Lie::plus_one_hour) {
      EXPECT_TRUE(group.liar_excluded()) << "round " << round;
    }
  }
  const Nanoseconds total = std::chrono::abs(group.honest_mean() - start);
  std::cout << "[liar] n=" << c.n << (c.liar == 0 ? " master" : " member") << " lies " << name_of(c.lie)
            << ": honest time moved " << total.count() << " ns in " << kRounds << " rounds (rounds 2.." << kRounds
            << ": " << later_moves.count() << " ns, bound " << later_bounds.count() << " ns), honest spread now "
            << group.honest_spread().count() << " ns\n";
  EXPECT_LE(later_moves, later_bounds);
  EXPECT_LT(group.honest_spread(), 4 * kUncertainty);  // the honest clocks are synchronized with each other
}

std::vector<LiarCase> cases() {
  std::vector<LiarCase> all;
  for (const int n : {4, 8, 32}) {
    for (const Lie lie : {Lie::plus_one_hour, Lie::just_inside, Lie::alternating, Lie::slow_just_inside}) {
      all.push_back({n, n - 1, lie});
    }
    all.push_back({n, 0, Lie::plus_one_hour});
    all.push_back({n, 0, Lie::just_inside});
  }
  return all;
}

std::string case_name(const ::testing::TestParamInfo<LiarCase>& info) {
  const LiarCase& c = info.param;
  const std::vector<std::string> lies{"PlusOneHour", "JustInside", "Alternating", "SlowJustInside"};
  return "n" + std::to_string(c.n) + (c.liar == 0 ? "_master_" : "_member_") + lies[static_cast<std::size_t>(c.lie)];
}

INSTANTIATE_TEST_SUITE_P(OneLiar, LiarRounds, ::testing::ValuesIn(cases()), case_name);

// The same just-inside liar against the tolerance of the first round kept for every round (what the
// fault-tolerant average did before synchronized tolerances): it pulls the group by about τ / n every round.
TEST(LiarRoundsWithoutNarrowing, AJustInsideLiarPullsTheGroupByTauOverNEveryRound) {
  for (const int n : {4, 32}) {
    RoundWork work;
    SimulatedGroup group(n, 7, n - 1, Lie::just_inside, work);
    const Nanoseconds start = group.honest_mean();
    for (int round = 1; round <= 5; ++round) {
      work.tolerance.reset();  // every round is a first round
      (void)run_round(group, kTau, work);
    }
    const Nanoseconds moved = std::chrono::abs(group.honest_mean() - start);
    std::cout << "[liar] without narrowing, n=" << n << ": honest time moved " << moved.count() << " ns in 5 rounds\n";
    EXPECT_GT(moved, 4 * kTau / (n + 1));
  }
}

// A clock that jumps by +5 s between rounds is left out of that round's average and corrected; the group's
// time does not jump with it, and it is back in the average in the round after.
TEST(ClockJump, IsExcludedThenCorrectedAndTheGroupDoesNotJump) {
  for (const int n : {4, 8, 32}) {
    RoundWork work;
    SimulatedGroup group(n, 11, std::nullopt, Lie::just_inside, work);
    for (int round = 1; round <= 2; ++round) (void)run_round(group, kTau, work);
    const Nanoseconds before = group.honest_mean();
    group.jump(static_cast<std::size_t>(n / 2), Nanoseconds{5'000'000'000});
    const Nanoseconds with_jump = group.honest_mean();
    (void)run_round(group, kTau, work);
    EXPECT_EQ(group.last_averaged(), static_cast<std::size_t>(n - 1)) << "n=" << n;
    // all but the jumped clock moved by at most the step's influence bound: compare the mean without it
    EXPECT_LE(std::chrono::abs(group.last_move() - (before - with_jump)),
              group.last_influence() + kUncertainty + Nanoseconds{1})
        << "n=" << n;
    EXPECT_LT(group.honest_spread(), 4 * kUncertainty) << "n=" << n;  // the jumped clock is back with the others
    (void)run_round(group, kTau, work);
    EXPECT_EQ(group.last_averaged(), static_cast<std::size_t>(n)) << "n=" << n;
  }
}

}  // namespace
}  // namespace berkeley
