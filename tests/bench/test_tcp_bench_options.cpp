// berkeley_tcp_bench's command line (bench/tcp/tcp_bench_options): defaults, every option reaching its field, and
// errors that name the bad value — an empty client count is named, never skipped.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "bench/tcp/tcp_bench_options.hpp"
#include "cli/exit_codes.hpp"

namespace berkeley::tcp::bench {
namespace {

void expect_bench_error(const std::vector<std::string>& args, const std::string& must_name) {
  const ParsedBenchCommandLine parsed = parse_bench_options(args);
  EXPECT_FALSE(parsed.options.has_value()) << must_name;
  EXPECT_EQ(parsed.exit_code, kExitUsage) << must_name;
  EXPECT_NE(parsed.message.find(must_name), std::string::npos) << parsed.message;
  EXPECT_EQ(parsed.message.find('\n'), std::string::npos) << "one line: " << parsed.message;
}

std::string directory_of_this_test() {
  char path[4096] = {};
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  const std::string p(path, n > 0 ? static_cast<std::size_t>(n) : 0);
  return p.substr(0, p.rfind('/'));
}

TEST(TcpBenchOptions, DefaultsAreTheDocumentedRun) {
  const ParsedBenchCommandLine parsed = parse_bench_options({});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.message;
  const BenchOptions& o = *parsed.options;
  EXPECT_EQ(o.client_counts, (std::vector<std::int64_t>{10, 100, 1000}));
  EXPECT_EQ(o.rounds, 5);
  EXPECT_EQ(o.exchanges.min_exchanges, 4);
  EXPECT_EQ(o.exchanges.max_exchanges, 16);
  EXPECT_TRUE(o.keep_json_dir.empty());
  // the berkeley_master next to the running program (here: the test)
  EXPECT_EQ(o.master_path, directory_of_this_test() + "/berkeley_master");
}

TEST(TcpBenchOptions, EveryOptionReachesItsField) {
  const ParsedBenchCommandLine parsed =
      parse_bench_options({"--clients", "3,1,10000", "--rounds", "1000", "--master", "/opt/b/berkeley_master",
                           "--min-exchanges", "2", "--max-exchanges", "2", "--keep-json", "out"});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.message;
  const BenchOptions& o = *parsed.options;
  EXPECT_EQ(o.client_counts, (std::vector<std::int64_t>{3, 1, 10'000}));  // in the given order
  EXPECT_EQ(o.rounds, 1000);
  EXPECT_EQ(o.master_path, "/opt/b/berkeley_master");
  EXPECT_EQ(o.exchanges.min_exchanges, 2);
  EXPECT_EQ(o.exchanges.max_exchanges, 2);
  EXPECT_EQ(o.keep_json_dir, "out");
}

TEST(TcpBenchOptions, ClientCountsAreNamedOneByOne) {
  expect_bench_error({"--clients", ""}, "--clients: '' is not a whole number in 1..10000");
  expect_bench_error({"--clients", "10,,100"}, "--clients: ''");
  expect_bench_error({"--clients", "10,"}, "--clients: ''");
  expect_bench_error({"--clients", "10,0"}, "--clients: '0' is out of range 1..10000");
  expect_bench_error({"--clients", "10001"}, "--clients: '10001' is out of range 1..10000");
  expect_bench_error({"--clients", "10, 100"}, "--clients: ' 100'");
  expect_bench_error({"--clients", "ten"}, "--clients: 'ten'");
}

TEST(TcpBenchOptions, OtherBadValuesAreNamed) {
  expect_bench_error({"--rounds", "0"}, "--rounds: '0' is out of range 1..1000");
  expect_bench_error({"--rounds", "1001"}, "--rounds: '1001' is out of range 1..1000");
  expect_bench_error({"--master", ""}, "--master: '' is not a file name");
  expect_bench_error({"--keep-json", ""}, "--keep-json: '' is not a directory");
  // checked as the master would check them, before any run
  expect_bench_error({"--min-exchanges", "9", "--max-exchanges", "8"},
                     "--min-exchanges 9 is more than --max-exchanges 8");
  expect_bench_error({"--max-exchanges", "0"}, "--max-exchanges: '0'");
  expect_bench_error({"--clients"}, "clients");
  expect_bench_error({"--client", "10"}, "--client");  // no guessed abbreviation
  expect_bench_error({"1000"}, "unexpected argument '1000'");
}

TEST(TcpBenchOptions, HelpStatesTheTargetAndTheExitCodes) {
  const ParsedBenchCommandLine parsed = parse_bench_options({"--help"});
  EXPECT_FALSE(parsed.options.has_value());
  EXPECT_EQ(parsed.exit_code, kExitOk);
  for (const char* needle : {"Usage: berkeley_tcp_bench", "--keep-json", "1,000 clients", "64 MiB", "Exit codes"}) {
    EXPECT_NE(parsed.message.find(needle), std::string::npos) << needle;
  }
}

}  // namespace
}  // namespace berkeley::tcp::bench
