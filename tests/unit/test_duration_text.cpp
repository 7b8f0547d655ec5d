#include <gtest/gtest.h>

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
