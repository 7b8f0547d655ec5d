// What a sync says of a round and of a level (sync/round_summary.hpp).
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "sync/round_summary.hpp"

namespace berkeley {
namespace {

std::optional<PeerEstimate> estimate(std::int64_t uncertainty_ns, std::int64_t round_trip_ns, int bursts = 1,
                                     bool ran_out = false) {
  PeerEstimate e;
  e.best.uncertainty_ns = Nanoseconds{uncertainty_ns};
  e.best.round_trip_ns = Nanoseconds{round_trip_ns};
  e.bursts = bursts;
  e.patience_ran_out = ran_out;
  return e;
}

TEST(SummarizeRound, CountsWhatTheStepAndTheEstimatesSay) {
  // the master, two members measured (one again, under load, until its patience ran out), one silent
  const std::vector<std::optional<PeerEstimate>> estimates{PeerEstimate{}, estimate(300, 600),
                                                           estimate(1'200, 2'400, 3, true), std::nullopt};
  BerkeleyStep step;
  step.average_offset_ns = Nanoseconds{-50};
  step.median_offset_ns = Nanoseconds{20};
  step.corrections_ns = {Nanoseconds{-50}, Nanoseconds{700}, Nanoseconds{-9'000}, Nanoseconds{0}};
  step.clocks_averaged = 2;
  const RoundSummary s = summarize_round(3, estimates, step, Nanoseconds{42'000});
  EXPECT_EQ(s.round, 3);
  EXPECT_EQ(s.average_offset_ns, Nanoseconds{-50});
  EXPECT_EQ(s.median_offset_ns, Nanoseconds{20});
  EXPECT_EQ(s.max_abs_correction_ns, Nanoseconds{9'000});  // the largest in size, whatever its sign
  EXPECT_EQ(s.max_uncertainty_ns, Nanoseconds{1'200});
  EXPECT_EQ(s.clocks_averaged, 2U);
  EXPECT_EQ(s.clocks_excluded, 2U);  // four clocks, two averaged
  EXPECT_EQ(s.clocks_remeasured, 1U);
  EXPECT_EQ(s.clocks_out_of_patience, 1U);
  EXPECT_EQ(s.duration_ns, Nanoseconds{42'000});
}

TEST(SummarizeLevel, CountsTheEstimatesMadeNotTheMeasuringMaster) {
  const std::vector<std::optional<PeerEstimate>> estimates{estimate(0, 0), estimate(80, 160), std::nullopt,
                                                           estimate(40, 500)};
  const LevelSummary s = summarize_level(2, "leaders", 3, estimates);
  EXPECT_EQ(s.level, 2);
  EXPECT_EQ(s.description, "leaders");
  EXPECT_EQ(s.groups, 3);
  EXPECT_EQ(s.ranks_measured, 2);
  EXPECT_EQ(s.max_uncertainty_ns, Nanoseconds{80});
  EXPECT_EQ(s.max_round_trip_ns, Nanoseconds{500});
}

}  // namespace
}  // namespace berkeley
