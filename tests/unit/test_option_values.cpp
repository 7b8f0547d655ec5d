// Checked option values (cli/option_values): each returns the value or throws BadValue with one line that names
// the option and the text it was given.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "cli/option_values.hpp"
#include "core/duration_text.hpp"
#include "core/time.hpp"

namespace berkeley::cli {
namespace {

// The message of the BadValue that `read` throws; fails the test if it throws nothing.
template <typename Read>
std::string bad_value_message(Read&& read) {
  try {
    read();
  } catch (const BadValue& error) {
    EXPECT_EQ(error.message.find('\n'), std::string::npos) << "one line: " << error.message;
    return error.message;
  }
  ADD_FAILURE() << "no BadValue thrown";
  return {};
}

TEST(BadValue, NamesTheOptionAndTheTextInOneFormat) {
  EXPECT_EQ(bad_value("port", "70000", "is not a port (0..65535)"), "--port: '70000' is not a port (0..65535)");
  EXPECT_EQ(bad_value("json", "", "is not a file name"), "--json: '' is not a file name");
}

TEST(DurationValue, ReadsEveryUnitAndBareSeconds) {
  EXPECT_EQ(duration_value("timeout", "500ms", false), Nanoseconds{500'000'000});
  EXPECT_EQ(duration_value("timeout", "250us", false), Nanoseconds{250'000});
  EXPECT_EQ(duration_value("timeout", "7ns", false), Nanoseconds{7});
  EXPECT_EQ(duration_value("timeout", "2", false), Nanoseconds{2'000'000'000});
  EXPECT_EQ(duration_value("timeout", "1.5s", false), Nanoseconds{1'500'000'000});
}

TEST(DurationValue, ZeroOnlyWhereAllowed) {
  EXPECT_EQ(duration_value("interval", "0", true), Nanoseconds{0});
  EXPECT_EQ(duration_value("interval", "0ms", true), Nanoseconds{0});
  EXPECT_EQ(bad_value_message([] { (void)duration_value("timeout", "0", false); }),
            "--timeout: '0' must be greater than zero");
  EXPECT_EQ(bad_value_message([] { (void)duration_value("timeout", "0us", false); }),
            "--timeout: '0us' must be greater than zero");
}

TEST(DurationValue, NegativeIsNamedWhetherOrNotZeroIsAllowed) {
  EXPECT_EQ(bad_value_message([] { (void)duration_value("interval", "-1s", true); }),
            "--interval: '-1s' must not be negative");
  // where zero is not allowed either, the message states the whole rule
  EXPECT_EQ(bad_value_message([] { (void)duration_value("timeout", "-2ms", false); }),
            "--timeout: '-2ms' must be greater than zero");
}

TEST(DurationValue, TextThatIsNoDurationIsNamed) {
  for (const char* text : {"soon", "", "5min", "5 ms", "ms", "1.2.3s"}) {
    const std::string message = bad_value_message([&] { (void)duration_value("timeout", text, true); });
    EXPECT_EQ(message, "--timeout: '" + std::string(text) + "' is not a duration (examples: 500ms, 250us, 2s)");
  }
}

TEST(DurationValue, TheMaximumIsIncludedAndStatedWhenExceeded) {
  const Nanoseconds hour{std::chrono::hours(1)};
  EXPECT_EQ(duration_value("max-offset", "3600s", true, hour), hour);
  const std::string message =
      bad_value_message([&] { (void)duration_value("max-offset", "3600.000000001", true, hour); });
  EXPECT_EQ(message, "--max-offset: '3600.000000001' is too long (at most " + format_duration(hour) + ")");
  EXPECT_NE(message.find("3600.000000000 s"), std::string::npos) << message;
}

TEST(IntegerValue, AcceptsTheWholeRangeIncludingItsEnds) {
  EXPECT_EQ(integer_value("rounds", "1", 1, 10), 1);
  EXPECT_EQ(integer_value("rounds", "10", 1, 10), 10);
  EXPECT_EQ(integer_value("rounds", "7", 1, 10), 7);
  EXPECT_EQ(integer_value("shift", "-5", -5, 5), -5);
  EXPECT_EQ(integer_value("big", "9223372036854775807", 0, std::numeric_limits<std::int64_t>::max()),
            std::numeric_limits<std::int64_t>::max());
}

TEST(IntegerValue, OutOfRangeNamesTheRange) {
  EXPECT_EQ(bad_value_message([] { (void)integer_value("rounds", "0", 1, 10); }),
            "--rounds: '0' is out of range 1..10");
  EXPECT_EQ(bad_value_message([] { (void)integer_value("rounds", "11", 1, 10); }),
            "--rounds: '11' is out of range 1..10");
  EXPECT_EQ(bad_value_message([] { (void)integer_value("shift", "-6", -5, 5); }),
            "--shift: '-6' is out of range -5..5");
}

TEST(IntegerValue, OnlyTheWholeTextAsOneNumber) {
  // trailing text, spaces, fractions, a plus sign, nothing, and a number too big for int64
  for (const char* text : {"x", "5x", " 5", "5 ", "1.5", "+5", "", "0x10", "99999999999999999999"}) {
    EXPECT_EQ(bad_value_message([&] { (void)integer_value("rounds", text, 1, 10); }),
              "--rounds: '" + std::string(text) + "' is not a whole number in 1..10");
  }
}

TEST(UnsignedValue, ReadsTheWholeUint64Range) {
  EXPECT_EQ(unsigned_value("seed", "0"), 0U);
  EXPECT_EQ(unsigned_value("seed", "18446744073709551615"), std::numeric_limits<std::uint64_t>::max());
  for (const char* text : {"-1", "18446744073709551616", "abc", "", "1e3", "7 "}) {
    EXPECT_EQ(bad_value_message([&] { (void)unsigned_value("seed", text); }),
              "--seed: '" + std::string(text) + "' is not a whole number >= 0");
  }
}

TEST(PortValue, ZeroOnlyWhenItPicksAFreePort) {
  EXPECT_EQ(port_value("port", "0", true), 0);
  EXPECT_EQ(port_value("port", "1", false), 1);
  EXPECT_EQ(port_value("port", "65535", false), 65535);
  EXPECT_EQ(port_value("port", "17117", true), 17117);
  EXPECT_EQ(bad_value_message([] { (void)port_value("port", "0", false); }), "--port: '0' is not a port (1..65535)");
  EXPECT_EQ(bad_value_message([] { (void)port_value("port", "65536", true); }),
            "--port: '65536' is not a port (0..65535; 0 picks a free one)");
  for (const char* text : {"-1", "http", "80x", "", "4294967376"}) {  // 2^32 + 80 must not wrap to port 80
    const std::string message = bad_value_message([&] { (void)port_value("port", text, true); });
    EXPECT_EQ(message.rfind("--port: '" + std::string(text) + "' is not a port", 0), 0U) << message;
  }
}

TEST(NumberValue, WithinTheClosedRangeAndNeverNaN) {
  EXPECT_DOUBLE_EQ(number_value("fraction", "0", 0.0, 1.0, "is not a fraction"), 0.0);
  EXPECT_DOUBLE_EQ(number_value("fraction", "1", 0.0, 1.0, "is not a fraction"), 1.0);
  EXPECT_DOUBLE_EQ(number_value("fraction", "0.25", 0.0, 1.0, "is not a fraction"), 0.25);
  EXPECT_DOUBLE_EQ(number_value("size", "1e5", 2.0, 1e6, "is not a size"), 1e5);
  for (const char* text : {"nan", "NaN", "inf", "-inf", "-0.1", "1.0001", "", "half", "0.5x", " 0.5"}) {
    EXPECT_EQ(bad_value_message([&] { (void)number_value("fraction", text, 0.0, 1.0, "is not a fraction 0..1"); }),
              "--fraction: '" + std::string(text) + "' is not a fraction 0..1");
  }
}

TEST(DriftValue, ZeroTo500PpmTheBoundTheStatedBoundsAssume) {
  EXPECT_DOUBLE_EQ(drift_value("drift-ppm", "0"), 0.0);
  EXPECT_DOUBLE_EQ(drift_value("drift-ppm", "1.5"), 1.5);
  EXPECT_DOUBLE_EQ(drift_value("drift-ppm", "500"), 500.0);
  // two clocks each within the largest drift accepted are at most kMaxRelativeRate apart
  EXPECT_DOUBLE_EQ(2 * drift_value("drift-ppm", "500") * 1e-6, kMaxRelativeRate);
  for (const char* text : {"500.001", "-1", "nan", "100000", "fast"}) {
    EXPECT_EQ(bad_value_message([&] { (void)drift_value("drift-ppm", text); }),
              "--drift-ppm: '" + std::string(text) +
                  "' is not a drift in ppm between 0 and 500 (real clocks keep within 500 ppm)");
  }
}

TEST(IpAddressValue, Ipv4AndIpv6LiteralsOnly) {
  for (const char* text : {"127.0.0.1", "0.0.0.0", "::1", "::", "fe80::1", "2001:db8::42"}) {
    EXPECT_EQ(ip_address_value("bind", text), text);
  }
  for (const char* text : {"localhost", "999.1.1.1", "1.2.3", "", "127.0.0.1 ", "::g", "127.0.0.1:80"}) {
    EXPECT_EQ(bad_value_message([&] { (void)ip_address_value("bind", text); }),
              "--bind: '" + std::string(text) + "' is not an IP address (examples: 127.0.0.1, ::1)");
  }
}

// Found by fuzz_option_values (tests/fuzz/corpus/fuzz_option_values/regression_address_nul): inet_pton reads a C
// string, so "::" followed by a NUL and more was taken. Not reachable from argv (no NUL there), but the value is
// what the program binds to: all of the text is the address or it is refused.
TEST(IpAddressValue, AllOfTheTextOrNothing) {
  const std::string with_nul("::\0\0\0", 5);
  EXPECT_THROW((void)ip_address_value("bind", with_nul), BadValue);
  EXPECT_FALSE(is_loopback_address(std::string("127.0.0.1\0junk", 14)));
  EXPECT_TRUE(is_loopback_address("127.0.0.1"));
}

TEST(SplitList, ItemsInOrder) {
  EXPECT_EQ(split_list("a,b,c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split_list("10"), (std::vector<std::string>{"10"}));
}

TEST(SplitList, EmptyItemsAreKeptForTheCallerToName) {
  EXPECT_EQ(split_list(""), (std::vector<std::string>{""}));
  EXPECT_EQ(split_list("a,"), (std::vector<std::string>{"a", ""}));
  EXPECT_EQ(split_list(",a"), (std::vector<std::string>{"", "a"}));
  EXPECT_EQ(split_list("a,,b"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split_list(","), (std::vector<std::string>{"", ""}));
}

}  // namespace
}  // namespace berkeley::cli
