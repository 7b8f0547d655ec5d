#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "core/fault_tolerant_average.hpp"

namespace berkeley {
namespace {

std::vector<Nanoseconds> ns(std::initializer_list<std::int64_t> values) {
  std::vector<Nanoseconds> out;
  for (const auto v : values) out.emplace_back(v);
  return out;
}

TEST(BerkeleyStep, ReusedBuffersGiveTheSameStepAsFreshOnes) {
  // a sync reuses one BerkeleyStep round after round: a larger group before must leave nothing behind
  BerkeleyStep reused;
  std::vector<Nanoseconds> scratch;
  berkeley_step(ns({0, 10, -10, 5000, 7, 9}), Nanoseconds{100}, reused, scratch);
  ASSERT_EQ(reused.corrections_ns.size(), 6U);
  const std::vector<Nanoseconds> smaller = ns({0, 1000, 1010, 990});
  berkeley_step(smaller, Nanoseconds{50}, reused, scratch);
  const BerkeleyStep fresh = berkeley_step(smaller, Nanoseconds{50});
  EXPECT_EQ(reused.median_offset_ns, fresh.median_offset_ns);
  EXPECT_EQ(reused.average_offset_ns, fresh.average_offset_ns);
  EXPECT_EQ(reused.clocks_averaged, fresh.clocks_averaged);
  EXPECT_EQ(reused.corrections_ns, fresh.corrections_ns);
  EXPECT_EQ(reused.excluded, fresh.excluded);
  EXPECT_EQ(reused.clocks_averaged, 3U);  // the master at 0 is 995 from the median: out
}

TEST(BerkeleyStep, AverageIncludesTheMastersOwnClock) {
  // master 0, slaves +100 and +200: the average of all three is +100, not the slaves' +150
  const BerkeleyStep step = berkeley_step(ns({0, 100, 200}), Nanoseconds{1000});
  EXPECT_EQ(step.average_offset_ns, Nanoseconds{100});
  EXPECT_EQ(step.clocks_averaged, 3U);
}

TEST(BerkeleyStep, EveryCorrectionKeepsItsSign) {
  const BerkeleyStep step = berkeley_step(ns({0, 100, 200}), Nanoseconds{1000});
  ASSERT_EQ(step.corrections_ns.size(), 3U);
  EXPECT_EQ(step.corrections_ns[0], Nanoseconds{100});  // master behind the average: moves forward
  EXPECT_EQ(step.corrections_ns[1], Nanoseconds{0});
  EXPECT_EQ(step.corrections_ns[2], Nanoseconds{-100});  // ahead of the average: moves back (no abs())
}

TEST(BerkeleyStep, CorrectedClocksAllReadTheAverage) {
  const auto offsets = ns({0, -7'000'000, 3'500'001, 250, -1, 999'999'999, -999'999'999});
  const BerkeleyStep step = berkeley_step(offsets, Nanoseconds{2'000'000'000});
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    EXPECT_EQ(offsets[i] + step.corrections_ns[i], step.average_offset_ns) << "clock " << i;
  }
}

TEST(BerkeleyStep, OutlierIsJudgedAgainstTheMajorityNotTheMaster) {
  // the slave at +5000 is far from everybody; the others agree within 10 ns
  const BerkeleyStep step = berkeley_step(ns({0, 10, -10, 5000}), Nanoseconds{100});
  EXPECT_EQ(step.excluded, (std::vector<bool>{false, false, false, true}));
  EXPECT_EQ(step.average_offset_ns, Nanoseconds{0});
  // the outlier is still corrected, towards the average of the others
  EXPECT_EQ(step.corrections_ns[3], Nanoseconds{-5000});
}

TEST(BerkeleyStep, OutlierMasterIsLeftOutOfTheAverage) {
  // the three slaves agree at about +1000; the master itself is the faulty clock
  const BerkeleyStep step = berkeley_step(ns({0, 1000, 1010, 990}), Nanoseconds{50});
  EXPECT_TRUE(step.excluded[0]);
  EXPECT_EQ(step.clocks_averaged, 3U);
  EXPECT_EQ(step.average_offset_ns, Nanoseconds{1000});
  EXPECT_EQ(step.corrections_ns[0], Nanoseconds{1000});
}

TEST(BerkeleyStep, AllEqualClocksNeedNoCorrection) {
  const BerkeleyStep step = berkeley_step(ns({42, 42, 42, 42}), Nanoseconds{0});
  for (const Nanoseconds c : step.corrections_ns) EXPECT_EQ(c, Nanoseconds{0});
  EXPECT_EQ(step.clocks_averaged, 4U);
}

TEST(BerkeleyStep, OneClockAloneIsItsOwnAverage) {
  const BerkeleyStep step = berkeley_step(ns({0}), Nanoseconds{0});
  EXPECT_EQ(step.average_offset_ns, Nanoseconds{0});
  EXPECT_EQ(step.corrections_ns, ns({0}));
  EXPECT_FALSE(step.excluded[0]);
}

TEST(BerkeleyStep, ClockExactlyAtTheToleranceIsKept) {
  // median 100; the clocks at 0 and 200 are exactly 100 away
  const BerkeleyStep kept = berkeley_step(ns({0, 100, 200}), Nanoseconds{100});
  EXPECT_EQ(kept.clocks_averaged, 3U);
  const BerkeleyStep cut = berkeley_step(ns({0, 100, 200}), Nanoseconds{99});
  EXPECT_EQ(cut.excluded, (std::vector<bool>{true, false, true}));
  EXPECT_EQ(cut.average_offset_ns, Nanoseconds{100});
}

TEST(BerkeleyStep, EvenCountUsesTheMidpointMedian) {
  const BerkeleyStep step = berkeley_step(ns({0, 10, 20, 1000}), Nanoseconds{20});
  EXPECT_EQ(step.median_offset_ns, Nanoseconds{15});
  EXPECT_EQ(step.excluded, (std::vector<bool>{false, false, false, true}));
  EXPECT_EQ(step.average_offset_ns, Nanoseconds{10});
}

TEST(BerkeleyStep, NoClockWithinToleranceFallsBackToTheMedian) {
  const BerkeleyStep step = berkeley_step(ns({0, 10}), Nanoseconds{1});
  EXPECT_EQ(step.clocks_averaged, 0U);
  EXPECT_EQ(step.average_offset_ns, Nanoseconds{5});
  EXPECT_EQ(step.corrections_ns, ns({5, -5}));
}

TEST(BerkeleyStep, RejectsNoClocksAndNegativeTolerance) {
  EXPECT_THROW((void)berkeley_step({}, Nanoseconds{1}), std::invalid_argument);
  EXPECT_THROW((void)berkeley_step(ns({0}), Nanoseconds{-1}), std::invalid_argument);
}

TEST(BerkeleyStep, EachClockIsJudgedAgainstItsOwnTolerance) {
  // median 15 (midpoint of 10 and 20); clock 3 (+300) is 285 away: kept at 300, left out at 284
  const std::vector<Nanoseconds> offsets = ns({0, 10, 20, 300});
  BerkeleyStep step;
  std::vector<Nanoseconds> scratch;
  berkeley_step(offsets, ns({1000, 1000, 1000, 285}), step, scratch);
  EXPECT_EQ(step.clocks_averaged, 4U);
  EXPECT_EQ(step.average_offset_ns, Nanoseconds{82});  // 15 + (−15 −5 +5 +285) / 4 = 82.5, truncated
  berkeley_step(offsets, ns({1000, 1000, 1000, 284}), step, scratch);
  EXPECT_EQ(step.clocks_averaged, 3U);
  EXPECT_TRUE(step.excluded[3]);
  EXPECT_FALSE(step.excluded[0]);
  EXPECT_EQ(step.average_offset_ns, Nanoseconds{10});
  EXPECT_EQ(step.corrections_ns[3], Nanoseconds{-290});  // still corrected
  // one tolerance for all gives the same step as the same tolerance per clock
  const BerkeleyStep one = berkeley_step(offsets, Nanoseconds{284});
  EXPECT_EQ(one.corrections_ns, step.corrections_ns);
  EXPECT_EQ(one.excluded, step.excluded);
}

TEST(BerkeleyStep, RefusesPerClockTolerancesThatDoNotFit) {
  BerkeleyStep step;
  std::vector<Nanoseconds> scratch;
  EXPECT_THROW(berkeley_step(ns({0, 1}), ns({5}), step, scratch), std::invalid_argument);
  EXPECT_THROW(berkeley_step(ns({0, 1}), ns({5, -1}), step, scratch), std::invalid_argument);
}

TEST(BerkeleyStep, OneClockInfluenceBoundsWhatAnyAveragedClockMovedTheAverage) {
  // 3 honest clocks at 0, 10, 20 and one at +400 inside the tolerance: the average moves from 10 (the others')
  // to 107 (430 / 4, truncated): 97, within (400 − 0) / 4 = 100
  const BerkeleyStep step = berkeley_step(ns({0, 10, 20, 400}), Nanoseconds{1000});
  ASSERT_EQ(step.clocks_averaged, 4U);
  EXPECT_EQ(step.one_clock_influence_ns, Nanoseconds{100});
  const std::vector<Nanoseconds> offsets = ns({0, 10, 20, 400});
  for (std::size_t leaving = 0; leaving < offsets.size(); ++leaving) {
    std::int64_t others = 0;
    for (std::size_t i = 0; i < offsets.size(); ++i) others += i == leaving ? 0 : offsets[i].count();
    const double without = static_cast<double>(others) / 3.0;
    EXPECT_LE(std::abs(static_cast<double>(step.average_offset_ns.count()) - without),
              static_cast<double>(step.one_clock_influence_ns.count()) + 1.0)
        << "clock " << leaving;
  }
  // rounded up; nothing to move with one clock averaged
  EXPECT_EQ(berkeley_step(ns({0, 1, 2}), Nanoseconds{1000}).one_clock_influence_ns, Nanoseconds{1});
  EXPECT_EQ(berkeley_step(ns({0, 5000}), Nanoseconds{1}).one_clock_influence_ns, Nanoseconds{0});
}

}  // namespace
}  // namespace berkeley
