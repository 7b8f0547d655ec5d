#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/median.hpp"

namespace berkeley {
namespace {

using ns = Nanoseconds;

TEST(UpperMedian, IsTheMiddleOfAnOddCountAndTheUpperMiddleOfAnEvenOne) {
  EXPECT_EQ(upper_median(std::vector<std::int64_t>{9, 1, 5}), 5);
  EXPECT_EQ(upper_median(std::vector<std::int64_t>{9, 1, 5, 7}), 7);  // sorted 1 5 7 9: the upper of 5, 7
  EXPECT_EQ(upper_median(std::vector<ns>{ns{-3}}), ns{-3});
}

TEST(UpperMedian, RefusesNoValues) { EXPECT_THROW((void)upper_median(std::vector<int>{}), std::invalid_argument); }

TEST(MidpointMedian, CentresAnEvenCountBetweenItsTwoMiddleValues) {
  std::vector<ns> scratch;
  EXPECT_EQ(midpoint_median(std::vector<ns>{ns{10}, ns{-10}}, scratch), ns{0});
  EXPECT_EQ(midpoint_median(std::vector<ns>{ns{4}, ns{100}, ns{1}}, scratch), ns{4});
  EXPECT_EQ(midpoint_median(std::vector<ns>{ns{1}, ns{2}, ns{8}, ns{100}}, scratch), ns{5});
  // offsets near the int64 ends: the midpoint is taken without adding the two
  const ns big{INT64_MAX - 1};
  EXPECT_EQ(midpoint_median(std::vector<ns>{big, big - ns{2}}, scratch), big - ns{1});
  EXPECT_THROW((void)midpoint_median(std::vector<ns>{}, scratch), std::invalid_argument);
}

}  // namespace
}  // namespace berkeley
