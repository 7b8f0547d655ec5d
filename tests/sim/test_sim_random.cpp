// The simulation's counter-based random numbers (transport/sim/sim_random.hpp): values pinned to splitmix64
// as computed independently (a changed stream would silently change every simulated network), streams and
// seeds that do not repeat each other, and the ranges and uniformity of the unit and duration draws.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>

#include "transport/sim/sim_random.hpp"

namespace berkeley::sim {
namespace {

// Pinned values, from a separate implementation of the same formula (Python, arbitrary-precision integers
// masked to 64 bits): mix64(mix64(seed ^ stream·0xD1B54A32D192ED03) ^ mix64(index)).
static_assert(random_bits(1, RandomStream::jitter, 0) == 0x2b55c3fa7e665b3fULL);  // usable at compile time

TEST(RandomBits, MatchesSplitmixValuesComputedIndependently) {
  EXPECT_EQ(random_bits(1, RandomStream::jitter, 0), 0x2b55c3fa7e665b3fULL);
  EXPECT_EQ(random_bits(1, RandomStream::link_asymmetry, 0), 0x8b1b1ee0e0fe529bULL);
  EXPECT_EQ(random_bits(42, RandomStream::slow, 17), 0xa6000b0bea697d04ULL);
  EXPECT_EQ(random_bits(0, RandomStream::silent, 123'456'789), 0x0c03db35dfa2298bULL);
}

TEST(RandomBits, StreamsSeedsAndIndicesDoNotRepeatEachOther) {
  std::set<std::uint64_t> seen;
  const std::array streams{RandomStream::link_asymmetry, RandomStream::slow, RandomStream::silent,
                           RandomStream::jitter};
  for (const std::uint64_t seed : {1U, 2U}) {
    for (const RandomStream stream : streams) {
      for (std::uint64_t index = 0; index < 1'000; ++index) seen.insert(random_bits(seed, stream, index));
    }
  }
  EXPECT_EQ(seen.size(), 2U * 4U * 1'000U);
}

TEST(RandomUnit, IsTheTop53BitsAsAFractionOfOne) {
  EXPECT_DOUBLE_EQ(random_unit(1, RandomStream::jitter, 0), 0.16927742829866455);
  EXPECT_DOUBLE_EQ(random_unit(42, RandomStream::slow, 17), 0.6484381584254261);
}

TEST(RandomUnit, StaysInZeroToOneAndFillsItEvenly) {
  constexpr int kDraws = 20'000;
  std::array<int, 10> deciles{};
  double sum = 0.0;
  double low = 1.0;
  double high = 0.0;
  for (std::uint64_t i = 0; i < kDraws; ++i) {
    const double u = random_unit(5, RandomStream::slow, i);
    ASSERT_GE(u, 0.0) << i;
    ASSERT_LT(u, 1.0) << i;
    ++deciles[static_cast<std::size_t>(u * 10.0)];
    sum += u;
    low = std::min(low, u);
    high = std::max(high, u);
  }
  EXPECT_NEAR(sum / kDraws, 0.5, 0.01);                                  // the mean's standard deviation is 0.002
  for (const int count : deciles) EXPECT_NEAR(count, kDraws / 10, 200);  // ± ~5 standard deviations
  EXPECT_LT(low, 0.001);
  EXPECT_GT(high, 0.999);
}

TEST(RandomDuration, StaysInsideZeroToMaxAndReachesBothEnds) {
  Nanoseconds low = Nanoseconds::max();
  Nanoseconds high = Nanoseconds::min();
  for (std::uint64_t i = 0; i < 10'000; ++i) {
    const Nanoseconds d = random_duration(7, RandomStream::jitter, i, Nanoseconds{100});
    low = std::min(low, d);
    high = std::max(high, d);
  }
  EXPECT_EQ(low, Nanoseconds{0});
  EXPECT_EQ(high, Nanoseconds{100});
}

TEST(RandomDuration, IsTheBitsModuloTheRangeOfWholeNanoseconds) {
  // 0x8b1b1ee0e0fe529b mod 101 = 89 (computed with the pinned values above)
  EXPECT_EQ(random_duration(1, RandomStream::link_asymmetry, 0, Nanoseconds{100}), Nanoseconds{89});
  EXPECT_EQ(random_duration(42, RandomStream::slow, 17, Nanoseconds{100}), Nanoseconds{8});
}

TEST(RandomDuration, ANonPositiveMaximumGivesZero) {
  for (std::uint64_t i = 0; i < 100; ++i) {
    EXPECT_EQ(random_duration(7, RandomStream::jitter, i, Nanoseconds{0}), Nanoseconds{0});
    EXPECT_EQ(random_duration(7, RandomStream::jitter, i, Nanoseconds{-5}), Nanoseconds{0});
  }
}

TEST(RandomDuration, CoversEveryValueOfASmallRangeEvenly) {
  constexpr int kDraws = 20'000;
  std::array<int, 5> counts{};
  for (std::uint64_t i = 0; i < kDraws; ++i) {
    const Nanoseconds d = random_duration(11, RandomStream::jitter, i, Nanoseconds{4});
    ASSERT_GE(d, Nanoseconds{0});
    ASSERT_LE(d, Nanoseconds{4});
    ++counts[static_cast<std::size_t>(d.count())];
  }
  for (const int count : counts) EXPECT_NEAR(count, kDraws / 5, 300);  // standard deviation 57
}

TEST(RandomDuration, TheLargestMaximumDoesNotOverflow) {
  for (std::uint64_t i = 0; i < 1'000; ++i) {
    const Nanoseconds d = random_duration(3, RandomStream::jitter, i, Nanoseconds::max());
    ASSERT_GE(d, Nanoseconds{0}) << i;
  }
}

}  // namespace
}  // namespace berkeley::sim
