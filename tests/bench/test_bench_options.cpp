// berkeley_sim_bench's command line: defaults, every option reaching its field, and errors that name the
// bad value.
#include <gtest/gtest.h>

#include "bench/sim/bench_options.hpp"
#include "cli/exit_codes.hpp"

namespace berkeley::sim::bench {
namespace {

ParsedBenchCommandLine parse(std::vector<std::string> args) { return parse_bench_options(args); }

TEST(BenchOptions, DefaultsAreTheDocumentedRun) {
  const ParsedBenchCommandLine parsed = parse({});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.message;
  const BenchOptions& o = *parsed.options;
  EXPECT_EQ(o.sizes, (std::vector<int>{100, 1'000, 10'000, 100'000}));
  EXPECT_EQ(o.methods.size(), 4U);
  EXPECT_EQ(o.node_size, 0);
  EXPECT_EQ(o.network.latency_ns, Nanoseconds{5'000});
  EXPECT_EQ(o.network.timeout_ns, Nanoseconds{1'000'000});
  EXPECT_EQ(o.effective_tolerance(), Nanoseconds{2'000'000'000});
  EXPECT_TRUE(o.json_path.empty());
}

TEST(BenchOptions, EveryOptionReachesItsField) {
  const ParsedBenchCommandLine parsed = parse({"--seed",
                                               "9",
                                               "--latency",
                                               "20us",
                                               "--jitter",
                                               "500ns",
                                               "--asymmetry",
                                               "4us",
                                               "--message-cost",
                                               "2us",
                                               "--slow-fraction",
                                               "0.1",
                                               "--slow-delay",
                                               "1ms",
                                               "--silent-fraction",
                                               "0.05",
                                               "--timeout",
                                               "5ms",
                                               "--drift-ppm",
                                               "25.5",
                                               "--max-offset",
                                               "10ms",
                                               "--tolerance",
                                               "3ms",
                                               "--sizes",
                                               "1e2,250,1E3",
                                               "--methods",
                                               "tree,collective",
                                               "--node-size",
                                               "32",
                                               "--min-exchanges",
                                               "2",
                                               "--max-exchanges",
                                               "8",
                                               "--json",
                                               "out.json"});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.message;
  const BenchOptions& o = *parsed.options;
  EXPECT_EQ(o.network.seed, 9U);
  EXPECT_EQ(o.network.latency_ns, Nanoseconds{20'000});
  EXPECT_EQ(o.network.jitter_ns, Nanoseconds{500});
  EXPECT_EQ(o.network.asymmetry_ns, Nanoseconds{4'000});
  EXPECT_EQ(o.network.message_cost_ns, Nanoseconds{2'000});
  EXPECT_DOUBLE_EQ(o.network.slow_fraction, 0.1);
  EXPECT_EQ(o.network.slow_delay_ns, Nanoseconds{1'000'000});
  EXPECT_DOUBLE_EQ(o.network.silent_fraction, 0.05);
  EXPECT_EQ(o.network.timeout_ns, Nanoseconds{5'000'000});
  EXPECT_DOUBLE_EQ(o.network.drift_ppm, 25.5);
  EXPECT_EQ(o.network.max_offset_ns, Nanoseconds{10'000'000});
  EXPECT_EQ(o.effective_tolerance(), Nanoseconds{3'000'000});
  EXPECT_EQ(o.sizes, (std::vector<int>{100, 250, 1'000}));
  EXPECT_EQ(o.methods, (std::vector<SimMethod>{SimMethod::tree, SimMethod::collective}));
  EXPECT_EQ(o.node_size, 32);
  EXPECT_EQ(o.pingpong.min_exchanges, 2);
  EXPECT_EQ(o.pingpong.max_exchanges, 8);
  EXPECT_EQ(o.json_path, "out.json");
}

TEST(BenchOptions, SeedTakesTheWholeUnsignedRangeAsTheOtherPrograms) {
  const ParsedBenchCommandLine parsed = parse({"--seed", "18446744073709551615"});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.message;
  EXPECT_EQ(parsed.options->network.seed, 18'446'744'073'709'551'615ULL);
}

struct BadCase {
  std::vector<std::string> args;
  std::string named;  // the message must contain this
};

// so that ctest names each case by its command line, not by its bytes
void PrintTo(const BadCase& c, std::ostream* out) {
  for (const std::string& arg : c.args) *out << arg << ' ';
}

class BenchOptionsBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(BenchOptionsBad, IsAUsageErrorThatNamesTheBadValue) {
  const ParsedBenchCommandLine parsed = parse(GetParam().args);
  EXPECT_FALSE(parsed.options.has_value());
  EXPECT_EQ(parsed.exit_code, kExitUsage);
  EXPECT_NE(parsed.message.find(GetParam().named), std::string::npos) << parsed.message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BenchOptionsBad,
    ::testing::Values(
        BadCase{{"--sizes", "100,1e9"}, "--sizes: '1e9'"}, BadCase{{"--sizes", "100,,1000"}, "--sizes: ''"},
        BadCase{{"--sizes", "1"}, "--sizes: '1'"}, BadCase{{"--sizes", "ten"}, "--sizes: 'ten'"},
        BadCase{{"--sizes", "2.5"}, "--sizes: '2.5' is not a participant count"},
        BadCase{{"--sizes", "1e5x"}, "--sizes: '1e5x'"}, BadCase{{"--methods", "tree,star"}, "--methods: 'star'"},
        BadCase{{"--node-size", "0"}, "--node-size: '0'"},
        BadCase{{"--latency", "5 parsecs"}, "--latency: '5 parsecs'"},
        BadCase{{"--jitter", "-1us"}, "--jitter: '-1us'"},
        BadCase{{"--latency", "2us", "--asymmetry", "3us"}, "--asymmetry: '3us' must not exceed --latency"},
        BadCase{{"--slow-fraction", "1.5"}, "--slow-fraction: '1.5'"},
        BadCase{{"--silent-fraction", "nan"}, "--silent-fraction: 'nan'"},
        BadCase{{"--timeout", "0"}, "--timeout: '0' must be greater than zero"},
        BadCase{{"--drift-ppm", "-3"}, "--drift-ppm: '-3'"}, BadCase{{"--seed", "-1"}, "--seed: '-1'"},
        BadCase{{"--seed", "18446744073709551616"}, "--seed: '18446744073709551616'"},
        BadCase{{"--min-exchanges", "9", "--max-exchanges", "4"}, "--min-exchanges 9 is more than --max-exchanges 4"},
        BadCase{{"--json", ""}, "--json: ''"}, BadCase{{"--no-such-option"}, "no-such-option"},
        BadCase{{"--lat", "5us"}, "lat"}));

TEST(BenchOptions, HelpExitsZeroAndListsTheModelsOptions) {
  const ParsedBenchCommandLine parsed = parse({"--help"});
  EXPECT_FALSE(parsed.options.has_value());
  EXPECT_EQ(parsed.exit_code, kExitOk);
  for (const char* option : {"--latency", "--jitter", "--asymmetry", "--slow-fraction", "--silent-fraction",
                             "--drift-ppm", "--sizes", "--methods", "--node-size", "--json", "--seed"}) {
    EXPECT_NE(parsed.message.find(option), std::string::npos) << option;
  }
}

}  // namespace
}  // namespace berkeley::sim::bench
