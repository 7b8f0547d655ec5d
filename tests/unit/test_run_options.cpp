#include <gtest/gtest.h>

#include "cli/exit_codes.hpp"
#include "cli/run_options.hpp"

namespace berkeley {
namespace {

ParsedCommandLine parse(std::vector<std::string> args) { return parse_run_options(args); }

void expect_usage_error(std::vector<std::string> args, const std::string& must_name) {
  const ParsedCommandLine parsed = parse(args);
  EXPECT_FALSE(parsed.options.has_value()) << must_name;
  EXPECT_EQ(parsed.exit_code, kExitUsage) << must_name;
  EXPECT_NE(parsed.message.find(must_name), std::string::npos) << parsed.message;
  EXPECT_EQ(parsed.message.find('\n'), std::string::npos) << "one line: " << parsed.message;
}

TEST(RunOptions, DefaultsAreTheClassicRun) {
  const ParsedCommandLine parsed = parse({});
  ASSERT_TRUE(parsed.options.has_value());
  EXPECT_EQ(parsed.options->rounds, 1);
  EXPECT_EQ(parsed.options->clock.kind, ClockKind::simulated);
  EXPECT_EQ(parsed.options->clock.max_offset_ns, Nanoseconds{1'000'000'000});
  EXPECT_EQ(parsed.options->effective_tolerance(), Nanoseconds{2'000'000'000});
  EXPECT_TRUE(parsed.options->json_path.empty());
}

TEST(RunOptions, ParsesEveryOption) {
  const ParsedCommandLine parsed = parse({"--rounds", "3", "--seed", "7", "--max-offset", "250ms", "--drift-ppm", "50",
                                          "--tolerance", "10ms", "--clock", "system", "--json", "r.json", "--quiet"});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.message;
  EXPECT_EQ(parsed.options->rounds, 3);
  EXPECT_EQ(parsed.options->clock.seed, 7U);
  EXPECT_EQ(parsed.options->clock.max_offset_ns, Nanoseconds{250'000'000});
  EXPECT_DOUBLE_EQ(parsed.options->clock.drift_ppm, 50.0);
  EXPECT_EQ(parsed.options->effective_tolerance(), Nanoseconds{10'000'000});
  EXPECT_EQ(parsed.options->clock.kind, ClockKind::mpi_wtime);
  EXPECT_EQ(parsed.options->json_path, "r.json");
  EXPECT_TRUE(parsed.options->quiet);
}

TEST(RunOptions, BadValuesAreNamed) {
  expect_usage_error({"--rounds", "0"}, "'0'");
  expect_usage_error({"--rounds", "x"}, "--rounds");
  expect_usage_error({"--max-offset", "-5"}, "'-5'");
  expect_usage_error({"--max-offset", "5min"}, "'5min'");
  expect_usage_error({"--seed", "abc"}, "'abc'");
  expect_usage_error({"--seed", "-1"}, "'-1'");
  expect_usage_error({"--drift-ppm", "-3"}, "'-3'");
  // the stated bounds assume clocks within 500 ppm of true time
  expect_usage_error({"--drift-ppm", "501"}, "--drift-ppm: '501' is not a drift in ppm between 0 and 500");
  expect_usage_error({"--clock", "atomic"}, "'atomic'");
  expect_usage_error({"--bogus"}, "bogus");
  expect_usage_error({"--rounds"}, "rounds");
  expect_usage_error({"--json", ""}, "--json: '' is not a file name");
  expect_usage_error({"--exchanges", "0"}, "--exchanges: '0'");
  expect_usage_error({"--exchanges", "65"}, "--exchanges: '65'");
  expect_usage_error({"--offsets", ""}, "--offsets: '' is not a file name");
  expect_usage_error({"--csv", ""}, "--csv: '' is not a file name");
  expect_usage_error({"--clock", "boottime"}, "is not one of: sim, system, realtime, monotonic");
  // two of the run's files in one would keep only the last written
  expect_usage_error({"--json", "r.json", "--offsets", "r.json"}, "--json and --offsets name the same file 'r.json'");
  expect_usage_error({"--offsets", "o", "--csv", "o"}, "--offsets and --csv name the same file 'o'");
}

TEST(RunOptions, TheRunsFilesAndTheMonotonicClock) {
  const ParsedCommandLine parsed =
      parse({"--json", "r.json", "--offsets", "o.json", "--csv", "t.csv", "--clock", "monotonic"});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.message;
  EXPECT_EQ(parsed.options->json_path, "r.json");
  EXPECT_EQ(parsed.options->offsets_path, "o.json");
  EXPECT_EQ(parsed.options->csv_path, "t.csv");
  EXPECT_EQ(parsed.options->clock.kind, ClockKind::monotonic);
  const ParsedCommandLine none = parse({});
  EXPECT_TRUE(none.options->offsets_path.empty());  // nothing written unless asked for
  EXPECT_TRUE(none.options->csv_path.empty());
}

// Found by fuzz_command_line (tests/fuzz/corpus/fuzz_command_line/regression_max_offset): a --max-offset near
// int64's end overflowed 2 × max-offset, the default tolerance. The offsets, the pause between rounds and the
// patience are each added to a clock reading: all three are at most an hour, as berkeley_master's.
TEST(RunOptions, OffsetPauseAndPatienceAreAtMostAnHour) {
  EXPECT_EQ(parse({"--max-offset", "3600s"}).options->clock.max_offset_ns, Nanoseconds{3'600'000'000'000});
  EXPECT_EQ(parse({"--max-offset", "3600s"}).options->effective_tolerance(), Nanoseconds{7'200'000'000'000});
  EXPECT_EQ(parse({"--interval", "3600s"}).options->interval_ns, Nanoseconds{3'600'000'000'000});
  EXPECT_EQ(parse({"--patience", "3600s"}).options->patience_ns, Nanoseconds{3'600'000'000'000});
  expect_usage_error({"--max-offset", "9223372036s"}, "--max-offset: '9223372036s' is too long (at most 3600");
  expect_usage_error({"--max-offset", "3600.000000001"}, "--max-offset: '3600.000000001' is too long");
  expect_usage_error({"--interval", "9223372036s"}, "--interval: '9223372036s' is too long");
  expect_usage_error({"--patience", "9223372036s"}, "--patience: '9223372036s' is too long");
}

TEST(RunOptions, PatienceIsAHundredMillisecondsUnlessTold) {
  EXPECT_EQ(parse({}).options->patience_ns, Nanoseconds{100'000'000});
  const ParsedCommandLine none = parse({"--patience", "0"});
  ASSERT_TRUE(none.options.has_value()) << none.message;
  EXPECT_EQ(none.options->patience_ns, Nanoseconds{0});
  EXPECT_EQ(parse({"--patience", "1s"}).options->patience_ns, Nanoseconds{1'000'000'000});
  expect_usage_error({"--patience", "-1ms"}, "--patience: '-1ms'");
}

TEST(RunOptions, TheCollectiveExchangesUpToEightTimesUnlessTold) {
  EXPECT_EQ(parse({}).options->exchanges, 8);
  const ParsedCommandLine one = parse({"--exchanges", "1"});
  ASSERT_TRUE(one.options.has_value()) << one.message;
  EXPECT_EQ(one.options->exchanges, 1);
}

TEST(RunOptions, HelpShowsDefaultsAndAnExample) {
  const ParsedCommandLine parsed = parse({"--help"});
  EXPECT_FALSE(parsed.options.has_value());
  EXPECT_EQ(parsed.exit_code, kExitOk);
  EXPECT_NE(parsed.message.find("--max-offset"), std::string::npos);
  EXPECT_NE(parsed.message.find("(=1s)"), std::string::npos);
  EXPECT_NE(parsed.message.find("mpirun -np 4 ./berkeley_mpi"), std::string::npos);
}

}  // namespace
}  // namespace berkeley

namespace berkeley {
namespace {

TEST(RunOptions, WaitModeIsAutoUnlessChosen) {
  EXPECT_FALSE(parse_run_options({}).options->polite_waiting.has_value());
  EXPECT_EQ(parse_run_options({"--wait", "busy"}).options->polite_waiting, std::optional<bool>(false));
  EXPECT_EQ(parse_run_options({"--wait", "polite"}).options->polite_waiting, std::optional<bool>(true));
  const ParsedCommandLine bad = parse_run_options({"--wait", "lazy"});
  EXPECT_FALSE(bad.options.has_value());
  EXPECT_NE(bad.message.find("'lazy'"), std::string::npos);
}

}  // namespace
}  // namespace berkeley
