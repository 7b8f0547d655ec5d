#include <gtest/gtest.h>

#include "clock/corrected_clock.hpp"
#include "support/manual_clock.hpp"

namespace berkeley {
namespace {

TEST(CorrectedClock, AppliesSignedCorrectionsCumulatively) {
  testing_support::ManualClock underlying;
  underlying.set(at_ns(10'000));
  CorrectedClock clock(underlying);
  EXPECT_EQ(clock.now(), at_ns(10'000));
  clock.apply(Nanoseconds{-3'000});
  clock.apply(Nanoseconds{500});
  EXPECT_EQ(clock.now(), at_ns(7'500));
  EXPECT_EQ(clock.total_correction(), Nanoseconds{-2'500});
  EXPECT_EQ(clock.corrected(at_ns(1)), at_ns(-2'499));
  underlying.set(at_ns(20'000));  // follows the underlying clock; never sets it
  EXPECT_EQ(clock.now(), at_ns(17'500));
  EXPECT_EQ(underlying.now(), at_ns(20'000));
}

}  // namespace
}  // namespace berkeley
