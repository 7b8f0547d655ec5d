#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "core/duration_text.hpp"

namespace berkeley {
namespace {

TEST(ParseDuration, AcceptsEveryUnit) {
  EXPECT_EQ(parse_duration("250ns"), Nanoseconds{250});
  EXPECT_EQ(parse_duration("2us"), Nanoseconds{2'000});
  EXPECT_EQ(parse_duration("2\u00b5s"), Nanoseconds{2'000});
  EXPECT_EQ(parse_duration("500ms"), Nanoseconds{500'000'000});
  EXPECT_EQ(parse_duration("1.5s"), Nanoseconds{1'500'000'000});
  EXPECT_EQ(parse_duration("3"), Nanoseconds{3'000'000'000});  // bare number: seconds
  EXPECT_EQ(parse_duration("-5ms"), Nanoseconds{-5'000'000});
}

TEST(ParseDuration, RejectsWhatIsNotADuration) {
  for (const char* text : {"", "abc", "5 ms", "5min", "ms", "-", "1.2.3s", "1e400s", "99999999999s"}) {
    EXPECT_FALSE(parse_duration(text).has_value()) << text;
  }
}

// Found by fuzz_duration_text (tests/fuzz/corpus/fuzz_duration_text/regression_*): parsing through a double
// read "-5461400470.475099856s" as -5461400470475099136 ns. Every nanosecond format_duration writes reads back.
TEST(ParseDuration, ReadsBackWhatFormatDurationWritesAtAnyMagnitude) {
  for (const std::int64_t ns : {std::int64_t{-5'461'400'470'475'099'856}, std::int64_t{9'007'199'254'740'993},
                                std::int64_t{123'456'789'012'345'678}, std::numeric_limits<std::int64_t>::max(),
                                -std::numeric_limits<std::int64_t>::max(), std::int64_t{1}, std::int64_t{-999'999}}) {
    std::string text = format_duration(Nanoseconds{ns});
    text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
    EXPECT_EQ(parse_duration(text), Nanoseconds{ns}) << text;
  }
}

TEST(ParseDuration, RoundsBelowANanosecondHalfAwayFromZero) {
  EXPECT_EQ(parse_duration("0.5ns"), Nanoseconds{1});
  EXPECT_EQ(parse_duration("0.49ns"), Nanoseconds{0});
  EXPECT_EQ(parse_duration("-0.5ns"), Nanoseconds{-1});
  EXPECT_EQ(parse_duration("1.0000000004s"), Nanoseconds{1'000'000'000});
  EXPECT_EQ(parse_duration("1.0000000005s"), Nanoseconds{1'000'000'001});
  EXPECT_EQ(parse_duration(".5us"), Nanoseconds{500});
  EXPECT_EQ(parse_duration("+2."), Nanoseconds{2'000'000'000});
}

TEST(ParseDuration, TheLongestDurationsThatFitInInt64Nanoseconds) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(parse_duration("9223372036.854775807s"), Nanoseconds{kMax});
  EXPECT_EQ(parse_duration("-9223372036.854775807"), Nanoseconds{-kMax});
  EXPECT_EQ(parse_duration("9223372036854775807ns"), Nanoseconds{kMax});
  EXPECT_EQ(parse_duration("0000000000000000000000000000001ns"), Nanoseconds{1});
  for (const char* text : {"9223372036.854775808s", "9223372036854775807.5ns", "9223372037s", "-9223372036.854775808s",
                           "99999999999999999999999ms"}) {
    EXPECT_FALSE(parse_duration(text).has_value()) << text;
  }
}

TEST(FormatDuration, PicksAReadableUnitAndWritesIt) {
  EXPECT_EQ(format_duration(Nanoseconds{12}), "12 ns");
  EXPECT_EQ(format_duration(Nanoseconds{3'456}), "3.456 \u00b5s");
  EXPECT_EQ(format_duration(Nanoseconds{-1'234'567}), "-1.234567 ms");
  EXPECT_EQ(format_duration(Nanoseconds{2'000'000'001}), "2.000000001 s");
}

TEST(ShortDuration, KeepsThreeFiguresAndAnAsciiUnit) {
  EXPECT_EQ(short_duration(Nanoseconds{0}), "0 ns");
  EXPECT_EQ(short_duration(Nanoseconds{999}), "999 ns");
  EXPECT_EQ(short_duration(Nanoseconds{1'234}), "1.23 us");
  EXPECT_EQ(short_duration(Nanoseconds{98'760}), "98.8 us");
  EXPECT_EQ(short_duration(Nanoseconds{305'400'000}), "305 ms");
  EXPECT_EQ(short_duration(Nanoseconds{9'450'000'000}), "9.45 s");
  EXPECT_EQ(short_duration(Nanoseconds{-2'500}), "-2.50 us");
}

}  // namespace
}  // namespace berkeley
