// The clock options of berkeley_master and berkeley_client (cli/tcp_clock_option): --clock, --seed,
// --max-offset and --drift-ppm read into one ClockChoice, bad values named.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/option_values.hpp"
#include "cli/tcp_clock_option.hpp"

namespace berkeley::cli {
namespace {

namespace po = boost::program_options;

// member_clock_value of a command line made of the clock options only
ClockChoice clock_of(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("help", "");
  add_member_clock_options(desc, "clock", "seed", "drift");
  const CommandLine line = read_command_line(args, desc, "help");
  if (!line.values) throw BadValue{line.message};
  return member_clock_value(*line.values);
}

std::string bad_clock_message(const std::vector<std::string>& args) {
  try {
    (void)clock_of(args);
  } catch (const BadValue& error) {
    return error.message;
  }
  ADD_FAILURE() << "accepted";
  return {};
}

TEST(TcpClockValue, SimOrSystemUnderEitherName) {
  EXPECT_EQ(tcp_clock_value("sim"), ClockKind::simulated);
  EXPECT_EQ(tcp_clock_value("simulated"), ClockKind::simulated);
  EXPECT_EQ(tcp_clock_value("system"), ClockKind::realtime);
  EXPECT_EQ(tcp_clock_value("realtime"), ClockKind::realtime);
}

TEST(TcpClockValue, NoMpiClockOverTcpAndNothingElse) {
  for (const char* text : {"mpi_wtime", "mpi", "gps", "", "Sim"}) {
    try {
      (void)tcp_clock_value(text);
      ADD_FAILURE() << "accepted '" << text << "'";
    } catch (const BadValue& error) {
      EXPECT_EQ(error.message,
                "--clock: '" + std::string(text) + "' is not one of: sim, system (or realtime), monotonic");
    }
  }
}

TEST(MemberClockValue, DefaultsAreASimulatedClockWithin1s) {
  const ClockChoice clock = clock_of({});
  EXPECT_EQ(clock.kind, ClockKind::simulated);
  EXPECT_EQ(clock.seed, 1U);
  EXPECT_EQ(clock.max_offset_ns, Nanoseconds{1'000'000'000});
  EXPECT_DOUBLE_EQ(clock.drift_ppm, 0.0);
}

TEST(MemberClockValue, EveryOption) {
  const ClockChoice clock =
      clock_of({"--clock", "realtime", "--seed", "18446744073709551615", "--max-offset", "0", "--drift-ppm", "500"});
  EXPECT_EQ(clock.kind, ClockKind::realtime);
  EXPECT_EQ(clock.seed, 18446744073709551615U);
  EXPECT_EQ(clock.max_offset_ns, Nanoseconds{0});  // zero offset allowed: all clocks start together
  EXPECT_DOUBLE_EQ(clock.drift_ppm, 500.0);
  EXPECT_EQ(clock_of({"--max-offset", "3600s"}).max_offset_ns, Nanoseconds{std::chrono::hours(1)});
}

TEST(MemberClockValue, BadValuesAreNamed) {
  EXPECT_EQ(bad_clock_message({"--clock", "atomic"}),
            "--clock: 'atomic' is not one of: sim, system (or realtime), monotonic");
  EXPECT_EQ(bad_clock_message({"--seed", "-1"}), "--seed: '-1' is not a whole number >= 0");
  EXPECT_EQ(bad_clock_message({"--max-offset", "-1ms"}), "--max-offset: '-1ms' must not be negative");
  EXPECT_EQ(bad_clock_message({"--max-offset", "3600.5s"}).rfind("--max-offset: '3600.5s' is too long", 0), 0U);
  EXPECT_EQ(bad_clock_message({"--drift-ppm", "501"}).rfind("--drift-ppm: '501' is not a drift in ppm", 0), 0U);
}

}  // namespace
}  // namespace berkeley::cli
