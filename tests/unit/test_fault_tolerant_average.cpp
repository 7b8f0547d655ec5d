#include <gtest/gtest.h>

#include <cstdint>
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

}  // namespace
}  // namespace berkeley
