#include <gtest/gtest.h>

#include <cstdint>

#include "core/splitmix64.hpp"

namespace berkeley {
namespace {

TEST(Splitmix64, GivesTheReferenceSequenceFromSeedZero) {
  // the first outputs of Vigna's splitmix64.c seeded with 0
  std::uint64_t state = 0;
  EXPECT_EQ(splitmix64_next(state), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(splitmix64_next(state), 0x6E789E6AA1B965F4ULL);
  EXPECT_EQ(splitmix64_next(state), 0x06C45D188009454FULL);
  EXPECT_EQ(state, 3 * kSplitmixGamma);
}

TEST(Splitmix64, TheHashIsTheFirstValueOfAGeneratorSeededWithIt) {
  for (std::uint64_t seed : {0ULL, 1ULL, 42ULL, 0xFFFF'FFFF'FFFF'FFFFULL}) {
    std::uint64_t state = seed;
    EXPECT_EQ(mix64(seed), splitmix64_next(state)) << seed;
  }
}

}  // namespace
}  // namespace berkeley
