#include <gtest/gtest.h>

#include "clock/clock_domain.hpp"

namespace berkeley {
namespace {

constexpr const char* kBootId = "66d41bdf-86bf-4bda-a7d3-e390902d7bb5";

TEST(ClockDomain, IsTheBootIdWhereNoTimeNamespaceShiftsTheClock) {
  EXPECT_EQ(clock_domain_from(std::string(kBootId) + "\n", "monotonic           0         0\nboottime  0 0\n"),
            kBootId);
  EXPECT_EQ(clock_domain_from(kBootId, ""), kBootId);  // a kernel without time namespaces
}

TEST(ClockDomain, ATimeNamespacesShiftOfTheMonotonicClockMakesADomainOfItsOwn) {
  EXPECT_EQ(clock_domain_from(kBootId, "monotonic -5 250\nboottime 0 0\n"), std::string(kBootId) + "+-5.250");
  // only CLOCK_MONOTONIC's shift matters: the boot-time clock is not the one the shared instant is named on
  EXPECT_EQ(clock_domain_from(kBootId, "monotonic 0 0\nboottime 7 0\n"), kBootId);
}

TEST(ClockDomain, WhatIsNotABootIdOrCannotBeReadIsNoDomain) {
  EXPECT_FALSE(clock_domain_from("", "").has_value());
  EXPECT_FALSE(clock_domain_from("not-a-boot-id", "").has_value());
  EXPECT_FALSE(
      clock_domain_from("66D41BDF-86BF-4BDA-A7D3-E390902D7BB5", "").has_value());  // the kernel writes lower case
  EXPECT_FALSE(clock_domain_from(kBootId, "monotonic x 0\n").has_value());
}

TEST(ClockDomain, ThisProcessHasOneAndItIsWellFormed) {
  const std::optional<std::string> mine = monotonic_clock_domain();
  ASSERT_TRUE(mine.has_value()) << "Linux with /proc: the boot id is readable";
  EXPECT_TRUE(is_clock_domain(*mine));
  EXPECT_EQ(monotonic_clock_domain(), mine);  // the same every time
}

TEST(ClockDomain, TwoClocksAreOneOnlyWhenBothDomainsAreKnownAndEqual) {
  const std::optional<std::string> a = "66d41bdf-86bf-4bda-a7d3-e390902d7bb5";
  const std::optional<std::string> shifted = *a + "+-1000.0";
  EXPECT_TRUE(same_clock_domain(a, a));
  EXPECT_FALSE(same_clock_domain(a, shifted));
  EXPECT_FALSE(same_clock_domain(a, std::nullopt));
  EXPECT_FALSE(same_clock_domain(std::nullopt, std::nullopt));  // unknown is not "the same"
}

TEST(ClockDomain, APeersTokenIsCheckedBeforeItIsBelieved) {
  EXPECT_TRUE(is_clock_domain(kBootId));
  EXPECT_TRUE(is_clock_domain(std::string(kBootId) + "+-5.250"));
  EXPECT_FALSE(is_clock_domain(""));
  EXPECT_FALSE(is_clock_domain("a b"));
  EXPECT_FALSE(is_clock_domain(std::string(81, 'a')));
}

}  // namespace
}  // namespace berkeley
