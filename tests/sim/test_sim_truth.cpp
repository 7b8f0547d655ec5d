// The simulation's ground truth (transport/sim/sim_truth): the true spread of a set of clocks at a true
// instant is exactly max − min of what they show then, raw or with their corrections.
#include <gtest/gtest.h>

#include <vector>

#include "transport/sim/sim_truth.hpp"

namespace berkeley::sim {
namespace {

constexpr TrueInstant kOneSecond = kSimulationStart + Nanoseconds{1'000'000'000};

// participants whose clocks are offsets (and drifts) of true time
std::vector<ParticipantProfile> clocks(const std::vector<SimulatedClockParams>& params) {
  std::vector<ParticipantProfile> profiles;
  for (const SimulatedClockParams& clock : params) profiles.push_back(symmetric_participant(Nanoseconds{5'000}, clock));
  return profiles;
}

TEST(TrueSpread, IsZeroForNoParticipantAndForOne) {
  const SimNetwork network(NetworkParams{}, clocks({{Nanoseconds{300}, 0.0}, {Nanoseconds{-700}, 0.0}}));
  EXPECT_EQ(true_spread(network, std::vector<int>{}, kOneSecond, ClockState::raw), Nanoseconds{0});
  EXPECT_EQ(true_spread(network, std::vector<int>{1}, kOneSecond, ClockState::raw), Nanoseconds{0});
  EXPECT_EQ(true_spread(network, std::vector<int>{1}, kOneSecond, ClockState::corrected), Nanoseconds{0});
}

TEST(TrueSpread, IsTheLargestMinusTheSmallestOfTheClocksAskedFor) {
  const SimNetwork network(
      NetworkParams{},
      clocks({{Nanoseconds{300}, 0.0}, {Nanoseconds{-700}, 0.0}, {Nanoseconds{50}, 0.0}, {Nanoseconds{9'000}, 0.0}}));
  EXPECT_EQ(true_spread(network, std::vector<int>{0, 1, 2}, kSimulationStart, ClockState::raw), Nanoseconds{1'000});
  EXPECT_EQ(true_spread(network, std::vector<int>{2, 0, 1}, kSimulationStart, ClockState::raw), Nanoseconds{1'000});
  EXPECT_EQ(true_spread(network, std::vector<int>{0, 1, 2, 3}, kSimulationStart, ClockState::raw), Nanoseconds{9'700});
  EXPECT_EQ(true_spread(network, std::vector<int>{3, 2}, kSimulationStart, ClockState::raw), Nanoseconds{8'950});
  // all positive or all negative: the spread is their difference, never one clock's distance from zero
  EXPECT_EQ(true_spread(network, std::vector<int>{0, 3}, kSimulationStart, ClockState::raw), Nanoseconds{8'700});
}

TEST(TrueSpread, TakesTheClocksAtTheInstantAsked) {
  // 100 ppm apart: 100 µs more after a second of true time
  const SimNetwork network(NetworkParams{}, clocks({{Nanoseconds{0}, -40.0}, {Nanoseconds{1'000}, 60.0}}));
  const std::vector<int> both{0, 1};
  EXPECT_EQ(true_spread(network, both, kSimulationStart, ClockState::raw), Nanoseconds{1'000});
  EXPECT_EQ(true_spread(network, both, kOneSecond, ClockState::raw), Nanoseconds{101'000});
  EXPECT_EQ(true_spread(network, both, kOneSecond, ClockState::corrected), Nanoseconds{101'000});
}

TEST(TrueSpread, CorrectedCountsTheCorrectionsAndRawIgnoresThem) {
  SimNetwork network(NetworkParams{},
                     clocks({{Nanoseconds{300}, 0.0}, {Nanoseconds{-700}, 0.0}, {Nanoseconds{50}, 0.0}}));
  const std::vector<int> all{0, 1, 2};
  network.apply_correction(0, Nanoseconds{-300});
  network.apply_correction(1, Nanoseconds{700});
  network.apply_correction(2, Nanoseconds{-40});  // 10 ns short
  EXPECT_EQ(true_spread(network, all, kOneSecond, ClockState::corrected), Nanoseconds{10});
  EXPECT_EQ(true_spread(network, all, kOneSecond, ClockState::raw), Nanoseconds{1'000});
  // overcorrected: the clock that was behind is now ahead
  network.apply_correction(1, Nanoseconds{2'000});
  EXPECT_EQ(true_spread(network, all, kOneSecond, ClockState::corrected), Nanoseconds{2'000});
}

}  // namespace
}  // namespace berkeley::sim
