#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "core/two_leg_estimate.hpp"

namespace berkeley {
namespace {

// Member clock = master clock + offset. On the master's time line: the member reads at `sent`, the gather
// reaches the master `up` later, the master computes for `compute`, the scatter reaches the member `down` later.
TwoLegSample round(std::int64_t sent, std::int64_t offset, std::int64_t up, std::int64_t compute, std::int64_t down) {
  const std::int64_t gathered = sent + up;
  const std::int64_t scattered = gathered + compute;
  return TwoLegSample{at_ns(sent + offset), at_ns(gathered), at_ns(scattered), at_ns(scattered + down + offset)};
}

TEST(TwoLegEstimate, MasterSeesTheLowerBound) {
  const TwoLegSample s = round(1'000, 5'000, 300, 50, 200);
  EXPECT_EQ(two_leg_lower_bound(s.member_sent_ns, s.master_gathered_ns), Nanoseconds{5'000 - 300});
}

TEST(TwoLegEstimate, SymmetricLegsGiveTheExactOffsetAndTheMastersComputingIsNotInTheWidth) {
  const OffsetEstimate e = two_leg_estimate(round(1'000, -123'456, 400, 10'000, 400));
  EXPECT_EQ(e.offset_ns, Nanoseconds{-123'456});
  EXPECT_EQ(e.round_trip_ns, Nanoseconds{800});  // the 10 µs of computing are not part of it
  EXPECT_EQ(e.uncertainty_ns, Nanoseconds{400});
  EXPECT_EQ(e.local_midpoint_ns, at_ns(1'000 + 400 + 5'000));
}

TEST(TwoLegEstimate, AsymmetricLegsErrByHalfTheAsymmetryWithinTheBound) {
  // up 100, down 900: the midpoint is 400 ns high, and the bound (half the width, 500) holds it
  const OffsetEstimate e = two_leg_estimate(round(0, 7'000, 100, 50, 900));
  EXPECT_EQ(e.offset_ns, Nanoseconds{7'000 + 400});
  EXPECT_EQ(e.uncertainty_ns, Nanoseconds{500});
}

TEST(TwoLegEstimate, AMemberThatWaitedLongInTheGatherGetsAWideButTrueBound) {
  // the member read its clock 1 ms before the master reached the gather
  const OffsetEstimate e = two_leg_estimate(round(0, 42, 1'000'000, 100, 300));
  EXPECT_EQ(e.round_trip_ns, Nanoseconds{1'000'300});
  EXPECT_LE(std::abs((e.offset_ns - Nanoseconds{42}).count()), e.uncertainty_ns.count());
  EXPECT_GT(std::abs((e.offset_ns - Nanoseconds{42}).count()), 400'000);  // the midpoint is far off: it must say so
}

TEST(TwoLegEstimate, AnOddWidthRoundsTheUncertaintyUp) {
  const TwoLegSample s = round(0, 0, 1, 0, 2);  // truth 0 lies in [-1, 2]
  const OffsetEstimate e = two_leg_estimate(s);
  EXPECT_EQ(e.round_trip_ns, Nanoseconds{3});
  EXPECT_LE(std::abs(e.offset_ns.count()), e.uncertainty_ns.count());
  EXPECT_LE(std::abs((Nanoseconds{-1} - e.offset_ns).count()), e.uncertainty_ns.count());
  EXPECT_LE(std::abs((Nanoseconds{2} - e.offset_ns).count()), e.uncertainty_ns.count());
}

TEST(TwoLegEstimate, ClocksThatDisagreeOnTheWidthGiveWidthZeroNotANegativeOne) {
  TwoLegSample s = round(0, 500, 10, 100, 10);
  s.member_received_ns -= Nanoseconds{50};  // the member saw less time pass than the master computed
  const OffsetEstimate e = two_leg_estimate(s);
  EXPECT_EQ(e.round_trip_ns, Nanoseconds{0});
  EXPECT_EQ(e.uncertainty_ns, Nanoseconds{0});
  EXPECT_EQ(e.offset_ns, Nanoseconds{490});
}

TEST(TwoLegEstimate, LargeReadingsDoNotOverflow) {
  const std::int64_t near_max = std::numeric_limits<std::int64_t>::max() - 1'000'000;
  const OffsetEstimate e = two_leg_estimate(round(near_max - 2'000'000, -5'000, 100, 100, 100));
  EXPECT_EQ(e.offset_ns, Nanoseconds{-5'000});
}

TEST(TwoLegCorrection, TheMemberLandsOnTheAverageMinusItsEstimate) {
  const TwoLegSample s = round(10'000, 3'000, 200, 0, 600);  // one master reading for both legs, as MPI's round
  const OffsetEstimate e = two_leg_estimate(s);
  const Nanoseconds average{1'234};
  const Nanoseconds lower = two_leg_lower_bound(s.member_sent_ns, s.master_gathered_ns);
  const Nanoseconds applied = two_leg_correction(average - lower, s.member_sent_ns, s.member_received_ns);
  EXPECT_EQ(applied, average - e.offset_ns);
  // the member (3 µs ahead of the master) ends at master + average, off by the estimate's error, which the
  // legs make 200 ns too high ((600 − 200) / 2): it lands 200 ns below
  EXPECT_EQ((Nanoseconds{3'000} + applied) - average, Nanoseconds{-200});
}

TEST(TwoLegRefinement, WithOneMasterReadingItIsTheEstimateAboveTheLowerBoundWhateverThatReading) {
  std::mt19937_64 random(7);
  std::uniform_int_distribution<std::int64_t> offset(-2'000'000'000, 2'000'000'000);
  std::uniform_int_distribution<std::int64_t> delay(0, 50'000);
  for (int i = 0; i < 1'000; ++i) {
    const TwoLegSample s = round(delay(random), offset(random), delay(random), 0, delay(random));
    const Nanoseconds above =
        two_leg_estimate(s).offset_ns - two_leg_lower_bound(s.member_sent_ns, s.master_gathered_ns);
    ASSERT_EQ(two_leg_refinement(s.member_sent_ns, s.member_received_ns), above) << "draw " << i;
  }
  // an odd width rounds down, as the estimate's midpoint does; a negative one counts as 0
  EXPECT_EQ(two_leg_refinement(at_ns(10), at_ns(13)), Nanoseconds{1});
  EXPECT_EQ(two_leg_refinement(at_ns(10), at_ns(4)), Nanoseconds{0});
}

TEST(TwoLegEstimate, TheTruthIsAlwaysWithinTheBound) {
  std::mt19937_64 random(20261126);
  std::uniform_int_distribution<std::int64_t> offset(-2'000'000'000, 2'000'000'000);
  std::uniform_int_distribution<std::int64_t> delay(0, 50'000);
  for (int i = 0; i < 10'000; ++i) {
    const std::int64_t truth = offset(random);
    const OffsetEstimate e = two_leg_estimate(round(delay(random), truth, delay(random), delay(random), delay(random)));
    ASSERT_LE(std::abs(e.offset_ns.count() - truth), e.uncertainty_ns.count()) << "draw " << i;
  }
}

}  // namespace
}  // namespace berkeley
