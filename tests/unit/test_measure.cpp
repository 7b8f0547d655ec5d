// The measurement methods over a synthetic GroupChannel of known truth: member m's clock is
// master + offset[m]; each exchange has a scripted outbound and return delay.
#include <gtest/gtest.h>

#include <deque>
#include <map>

#include "sync/measure.hpp"

namespace berkeley {
namespace {

struct Delay {
  std::int64_t out_ns;
  std::int64_t back_ns;
};

class ScriptedChannel final : public RequestAllChannel {
 public:
  explicit ScriptedChannel(std::vector<std::int64_t> offsets_ns) : offsets_(std::move(offsets_ns)) {}
  void script(int member, std::vector<Delay> delays) { delays_[member] = {delays.begin(), delays.end()}; }
  void silence(int member) { silent_.push_back(member); }

  [[nodiscard]] int size() const override { return static_cast<int>(offsets_.size()); }
  [[nodiscard]] std::optional<OffsetSample> exchange(int member) override {
    ++exchanges_[member];
    order_.push_back(member);
    EXPECT_FALSE(released_[member]) << "member " << member << " asked after release";
    if (std::find(silent_.begin(), silent_.end(), member) != silent_.end()) return std::nullopt;
    auto& queue = delays_[member];
    const Delay d = queue.empty() ? Delay{1'000, 1'000} : queue.front();
    if (!queue.empty()) queue.pop_front();
    const std::int64_t t_send = now_;
    const std::int64_t t_remote = t_send + d.out_ns + offsets_[static_cast<std::size_t>(member)];
    now_ = t_send + d.out_ns + d.back_ns;
    const OffsetSample sample{at_ns(t_send), at_ns(t_remote), at_ns(now_)};
    now_ += 10'000;
    return sample;
  }
  void release(int member) override { released_[member] = true; }
  void pause(Nanoseconds pause_ns) override {
    ++pauses_;
    now_ += pause_ns.count();
  }
  int pauses() const { return pauses_; }
  std::int64_t now() const { return now_; }
  void request_all(CollectiveReadings& got) override {
    got.readings_ns.clear();
    got.t_send_ns = at_ns(now_);
    for (std::size_t m = 0; m < offsets_.size(); ++m) {
      const bool silent = std::find(silent_.begin(), silent_.end(), static_cast<int>(m)) != silent_.end();
      // member m reads its clock m µs after the request left; the gather ends after 10 µs
      got.readings_ns.push_back(
          silent ? std::nullopt
                 : std::optional<ClockReading>(Nanoseconds{now_ + static_cast<std::int64_t>(m) * 1'000 + offsets_[m]}));
    }
    now_ += 10'000;
    got.t_recv_ns = at_ns(now_);
  }
  int exchanges(int member) { return exchanges_[member]; }
  bool released(int member) { return released_[member]; }
  const std::vector<int>& order() const { return order_; }

 private:
  std::vector<std::int64_t> offsets_;
  std::map<int, std::deque<Delay>> delays_;
  std::map<int, int> exchanges_;
  std::map<int, bool> released_;
  std::vector<int> order_;  // the member of every exchange, in order
  std::vector<int> silent_;
  std::int64_t now_ = 1'000'000'000;
  int pauses_ = 0;
};

TEST(MeasurePingpong, FindsTheTrueOffsetThroughQueueingAndAsymmetry) {
  ScriptedChannel channel({0, 5'000'000, -3'000'000});
  // member 1: a queued first request, a slow reply, then two clean symmetric exchanges
  channel.script(1, {{90'000, 1'000}, {1'000, 70'000}, {800, 800}, {810, 810}});
  // member 2: asymmetric all along (out 300, back 700): the error is half the asymmetry, within the bound
  channel.script(2, {{300, 700}, {300, 700}, {300, 700}, {300, 700}});
  const GroupEstimates e = measure_pingpong(channel, PingPongPolicy{16, 4, 0.05, {}});
  ASSERT_EQ(e.size(), 3U);
  EXPECT_EQ(e[0]->best.offset_ns, Nanoseconds{0});
  EXPECT_EQ(e[1]->best.offset_ns, Nanoseconds{5'000'000});
  EXPECT_EQ(e[1]->best.round_trip_ns, Nanoseconds{1'600});
  EXPECT_EQ(e[2]->best.offset_ns, Nanoseconds{-3'000'000 - 200});
  EXPECT_LE(200, e[2]->best.uncertainty_ns.count());
  EXPECT_EQ(channel.exchanges(1), 4);
}

TEST(MeasurePingpong, PollsOneMemberAtATimeAndReleasesEach) {
  ScriptedChannel channel({0, 1, 2, 3, 4});
  const GroupEstimates e = measure_pingpong(channel, PingPongPolicy{3, 3, 0.0, {}});
  for (int m = 1; m < 5; ++m) {
    EXPECT_EQ(channel.exchanges(m), 3) << m;  // scripted channel fails on ask-after-release
    EXPECT_TRUE(channel.released(m)) << m;
  }
  // one member at a time: all of member 1's exchanges, then all of member 2's, ...
  EXPECT_EQ(channel.order(), (std::vector<int>{1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4}));
}

TEST(MeasurePingpong, ASilentMemberIsMissingAndGetsNoCorrection) {
  ScriptedChannel channel({0, 100, 200, 300});
  channel.silence(2);
  const GroupEstimates e = measure_pingpong(channel, PingPongPolicy{4, 4, 0.0, {}});
  EXPECT_FALSE(e[2].has_value());
  EXPECT_EQ(channel.exchanges(2), 1);  // not asked again after the first silence
  const GroupStep step = berkeley_step_over(e, Nanoseconds{1'000'000});
  EXPECT_EQ(step.answered, (std::vector<bool>{true, true, false, true}));
  EXPECT_EQ(step.step.average_offset_ns, Nanoseconds{(0 + 100 + 300) / 3});
  EXPECT_EQ(step.step.corrections_ns[2], Nanoseconds{0});
  EXPECT_TRUE(step.step.excluded[2]);
  EXPECT_EQ(step.step.corrections_ns[3], Nanoseconds{(0 + 100 + 300) / 3 - 300});
}

TEST(BerkeleyStepOver, ReusedBuffersGiveTheSameStepAsFreshOnes) {
  // round after round into the same GroupStep: a member silent in the first round answers in the second
  ScriptedChannel first({0, 100, 200, 300, 400});
  first.silence(2);
  GroupStep reused;
  StepWorkspace workspace;
  berkeley_step_over(measure_pingpong(first, PingPongPolicy{4, 4, 0.0, {}}), Nanoseconds{1'000'000}, reused, workspace);
  ASSERT_FALSE(reused.answered[2]);
  ScriptedChannel second({0, -50, 70, 20});
  const GroupEstimates e = measure_pingpong(second, PingPongPolicy{4, 4, 0.0, {}});
  berkeley_step_over(e, Nanoseconds{60}, reused, workspace);
  const GroupStep fresh = berkeley_step_over(e, Nanoseconds{60});
  EXPECT_EQ(reused.answered, fresh.answered);
  EXPECT_EQ(reused.answered, (std::vector<bool>{true, true, true, true}));
  EXPECT_EQ(reused.step.corrections_ns, fresh.step.corrections_ns);
  EXPECT_EQ(reused.step.excluded, fresh.step.excluded);
  EXPECT_EQ(reused.step.average_offset_ns, fresh.step.average_offset_ns);
  EXPECT_EQ(reused.step.clocks_averaged, fresh.step.clocks_averaged);
}

TEST(MeasureCollective, OneIntervalBoundsEveryEstimate) {
  ScriptedChannel channel({0, 7'000, -7'000, 123});
  const GroupEstimates e = measure_collective(channel);
  ASSERT_EQ(e.size(), 4U);
  for (std::size_t m = 1; m < 4; ++m) {
    ASSERT_TRUE(e[m].has_value());
    EXPECT_EQ(e[m]->best.round_trip_ns, Nanoseconds{10'000});
    EXPECT_EQ(e[m]->samples_used, 1);
  }
  // member m read m µs after the request, the midpoint assumption is 5 µs: error (m − 5) µs, within ±5 µs
  EXPECT_EQ(e[1]->best.offset_ns, Nanoseconds{7'000 - 4'000});
  EXPECT_EQ(e[3]->best.offset_ns, Nanoseconds{123 - 2'000});
}

// Patience: bursts of 4 exchanges (the filter's minimum and maximum), a 100 ms budget, 1 ms pauses.
PingPongPolicy patient_policy() {
  PingPongPolicy policy{4, 4, 0.05, {}};
  policy.patience.budget_ns = Nanoseconds{100'000'000};
  policy.patience.pause_ns = Nanoseconds{1'000'000};
  return policy;
}

std::vector<Delay> times(int n, Delay d) { return std::vector<Delay>(static_cast<std::size_t>(n), d); }

TEST(MeasurePingpongPatience, WithoutFloorsOrBudgetTheFirstBurstIsTheAnswer) {
  ScriptedChannel channel({0, 7'000});
  channel.script(1, times(4, {25'000, 25'000}));                         // a busy burst
  const GroupEstimates e = measure_pingpong(channel, patient_policy());  // no floors: no patience
  ASSERT_TRUE(e[1].has_value());
  EXPECT_EQ(e[1]->bursts, 1);
  EXPECT_EQ(channel.pauses(), 0);
  QuietFloors floors;
  PingPongPolicy no_budget = patient_policy();
  no_budget.patience.budget_ns = Nanoseconds{0};
  ScriptedChannel again({0, 7'000});
  again.script(1, times(4, {25'000, 25'000}));
  EXPECT_EQ(measure_pingpong(again, no_budget, &floors)[1]->bursts, 1);
  EXPECT_EQ(again.pauses(), 0);
}

TEST(MeasurePingpongPatience, AFirstMemberIsMeasuredAgainUntilItsOwnBurstsAgree) {
  ScriptedChannel channel({0, 7'000});
  // stuck (50 us), then quiet (2 us), then as quiet: the second agrees with nothing better, it settles
  std::vector<Delay> script = times(4, {25'000, 25'000});
  for (const Delay d : times(8, {1'000, 1'000})) script.push_back(d);
  channel.script(1, script);
  QuietFloors floors;
  const GroupEstimates e = measure_pingpong(channel, patient_policy(), &floors);
  ASSERT_TRUE(e[1].has_value());
  EXPECT_EQ(e[1]->bursts, 3);
  EXPECT_EQ(channel.pauses(), 2);
  EXPECT_EQ(e[1]->samples_used, 12);
  EXPECT_FALSE(e[1]->patience_ran_out);
  EXPECT_EQ(e[1]->best.round_trip_ns, Nanoseconds{2'000});
  EXPECT_EQ(e[1]->best.offset_ns, Nanoseconds{7'000});  // the quiet exchange's estimate, exact
  EXPECT_EQ(floors.floor_of(1), Nanoseconds{2'000});
}

TEST(MeasurePingpongPatience, AMemberFarAboveItsNodesFloorWaitsForAQuietExchange) {
  ScriptedChannel channel({0, 7'000, -4'000});
  channel.script(1, times(8, {1'000, 1'000}));            // quiet: 2 us, its own bursts agree
  std::vector<Delay> busy = times(8, {300'000, 20'000});  // two busy bursts (320 us), then quiet
  for (const Delay d : times(4, {1'200, 1'200})) busy.push_back(d);
  channel.script(2, busy);
  QuietFloors floors({0, 0, 0});  // one node
  const GroupEstimates e = measure_pingpong(channel, patient_policy(), &floors);
  ASSERT_TRUE(e[2].has_value());
  EXPECT_EQ(e[2]->bursts, 3);  // quiet: 2.4 us <= 2 x 2 us + 1 us
  EXPECT_FALSE(e[2]->patience_ran_out);
  EXPECT_EQ(e[2]->best.round_trip_ns, Nanoseconds{2'400});
  EXPECT_EQ(e[2]->best.offset_ns, Nanoseconds{-4'000});
}

TEST(MeasurePingpongPatience, TheBudgetEndsTheWaitAndTheEstimateSaysSo) {
  ScriptedChannel channel({0, 7'000, -4'000});
  channel.script(1, times(8, {1'000, 1'000}));
  channel.script(2, times(10'000, {400'000, 400'000}));  // busy for good: 800 us round trips
  QuietFloors floors({0, 0, 0});
  const std::int64_t started = channel.now();
  const GroupEstimates e = measure_pingpong(channel, patient_policy(), &floors);
  ASSERT_TRUE(e[2].has_value());
  EXPECT_TRUE(e[2]->patience_ran_out);
  EXPECT_FALSE(e[1]->patience_ran_out);
  // still an honest estimate: the truth within its (wide) bound
  EXPECT_LE(std::abs((e[2]->best.offset_ns - Nanoseconds{-4'000}).count()), e[2]->best.uncertainty_ns.count());
  // it stopped within a burst's exchange of the budget, not later
  const std::int64_t spent = channel.now() - started;
  EXPECT_GE(spent, 100'000'000);
  EXPECT_LE(spent, 100'000'000 + 2 * 1'000'000 + 800'000 + 2 * 10'000);
  EXPECT_GT(e[2]->bursts, 10);
}

TEST(MeasurePingpongPatience, FloorsAreKeptFromRoundToRound) {
  QuietFloors floors({0, 0});
  ScriptedChannel first({0, 7'000});
  first.script(1, times(8, {1'000, 1'000}));
  (void)measure_pingpong(first, patient_policy(), &floors);
  EXPECT_EQ(first.pauses(), 1);  // no floor yet: its own second burst confirmed the first
  ScriptedChannel second({0, 7'000});
  second.script(1, times(4, {1'100, 1'100}));
  EXPECT_EQ(measure_pingpong(second, patient_policy(), &floors)[1]->bursts, 1);  // quiet at once
  EXPECT_EQ(second.pauses(), 0);
}

}  // namespace
}  // namespace berkeley
