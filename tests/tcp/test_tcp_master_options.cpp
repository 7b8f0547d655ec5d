// Command line of berkeley_master (cli/tcp_master_options): defaults, every option, and errors that name
// the bad value in one line.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/exit_codes.hpp"
#include "cli/tcp_master_options.hpp"

namespace berkeley {
namespace {

void expect_master_error(std::vector<std::string> args, const std::string& must_name) {
  const ParsedMasterCommandLine parsed = parse_master_options(args);
  EXPECT_FALSE(parsed.options.has_value()) << must_name;
  EXPECT_EQ(parsed.exit_code, kExitUsage) << must_name;
  EXPECT_NE(parsed.message.find(must_name), std::string::npos) << parsed.message;
  EXPECT_EQ(parsed.message.find('\n'), std::string::npos) << "one line: " << parsed.message;
}

TEST(MasterOptions, DefaultsListenOnLoopback) {
  const ParsedMasterCommandLine parsed = parse_master_options({"3"});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.message;
  EXPECT_EQ(parsed.options->clients, 3);
  EXPECT_EQ(parsed.options->bind_address, "127.0.0.1");
  EXPECT_EQ(parsed.options->port, tcp::kDefaultPort);
  EXPECT_EQ(parsed.options->rounds, 1);
  EXPECT_EQ(parsed.options->tolerance_ns, Nanoseconds{2'000'000'000});
  EXPECT_EQ(parsed.options->pingpong.min_exchanges, 4);
  EXPECT_EQ(parsed.options->pingpong.max_exchanges, 16);
  EXPECT_FALSE(parsed.options->require_precision_ns.has_value());
}

TEST(MasterOptions, ParsesEveryOption) {
  const ParsedMasterCommandLine parsed =
      parse_master_options({"7",     "--bind",          "::1",    "--port",
                            "0",     "--rounds",        "3",      "--interval",
                            "200ms", "--timeout",       "250ms",  "--join-timeout",
                            "5s",    "--tolerance",     "10ms",   "--min-exchanges",
                            "2",     "--max-exchanges", "8",      "--audit-exchanges",
                            "0",     "--clock",         "system", "--seed",
                            "9",     "--max-offset",    "50ms",   "--drift-ppm",
                            "20",    "--json",          "r.json", "-q"});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.message;
  const tcp::MasterConfig& c = *parsed.options;
  EXPECT_EQ(c.clients, 7);
  EXPECT_EQ(c.bind_address, "::1");
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.rounds, 3);
  EXPECT_EQ(c.interval_ns, Nanoseconds{200'000'000});
  EXPECT_EQ(c.timeout_ns, Nanoseconds{250'000'000});
  EXPECT_EQ(c.join_timeout_ns, Nanoseconds{5'000'000'000});
  EXPECT_EQ(c.tolerance_ns, Nanoseconds{10'000'000});
  EXPECT_EQ(c.pingpong.min_exchanges, 2);
  EXPECT_EQ(c.pingpong.max_exchanges, 8);
  EXPECT_EQ(c.audit_exchanges, 0);
  EXPECT_EQ(c.clock.kind, ClockKind::realtime);
  EXPECT_EQ(c.clock.seed, 9U);
  EXPECT_EQ(c.clock.max_offset_ns, Nanoseconds{50'000'000});
  EXPECT_DOUBLE_EQ(c.clock.drift_ppm, 20.0);
  EXPECT_EQ(c.json_path, "r.json");
  EXPECT_TRUE(c.quiet);
}

TEST(MasterOptions, BadValuesAreNamed) {
  expect_master_error({}, "missing N");
  expect_master_error({"0"}, "N: '0'");
  expect_master_error({"3", "--json", ""}, "--json: '' is not a file name");
  expect_master_error({"three"}, "N: 'three'");
  expect_master_error({"10001"}, "N: '10001'");
  expect_master_error({"3", "--port", "abc"}, "--port: 'abc'");
  expect_master_error({"3", "--port", "70000"}, "--port: '70000'");
  expect_master_error({"3", "--port", "-1"}, "--port: '-1'");
  expect_master_error({"3", "--bind", "localhost"}, "--bind: 'localhost' is not an IP address");
  expect_master_error({"3", "--bind", "999.1.1.1"}, "--bind: '999.1.1.1'");
  expect_master_error({"3", "--timeout", "0"}, "--timeout: '0' must be greater than zero");
  expect_master_error({"3", "--timeout", "soon"}, "--timeout: 'soon'");
  expect_master_error({"3", "--interval", "-1s"}, "--interval: '-1s'");
  expect_master_error({"3", "--rounds", "0"}, "--rounds: '0'");
  expect_master_error({"3", "--max-offset", "2h"}, "--max-offset: '2h'");
  expect_master_error({"3", "--max-offset", "7200s"}, "--max-offset: '7200s' is too long");
  expect_master_error({"3", "--clock", "atomic"}, "--clock: 'atomic'");
  expect_master_error({"3", "--min-exchanges", "9", "--max-exchanges", "8"}, "--min-exchanges 9 is more than");
  expect_master_error({"3", "--audit-exchanges", "0", "--require-precision", "1ms"}, "--require-precision needs");
  expect_master_error({"3", "4"}, "too many positional options");
  expect_master_error({"3", "--bogus"}, "bogus");
  expect_master_error({"3", "--offsets", ""}, "--offsets: '' is not a file name");
  expect_master_error({"3", "--json", "r", "--offsets", "r"}, "--json and --offsets name the same file 'r'");
}

TEST(MasterOptions, HelpSaysWhatItDoesAndTheExitCodes) {
  const ParsedMasterCommandLine parsed = parse_master_options({"--help"});
  EXPECT_FALSE(parsed.options.has_value());
  EXPECT_EQ(parsed.exit_code, kExitOk);
  for (const char* needle : {"Usage: berkeley_master N", "--port", "0 picks a free one", "refused, not queued",
                             "Exit codes", "launch_clients.py"}) {
    EXPECT_NE(parsed.message.find(needle), std::string::npos) << needle;
  }
}

TEST(MasterOptions, DefaultToleranceFollowsTheClock) {
  // sim: twice the largest simulated offset; system: 1 s; a given --tolerance wins either way
  const ParsedMasterCommandLine sim = parse_master_options({"2", "--max-offset", "50ms"});
  ASSERT_TRUE(sim.options.has_value()) << sim.message;
  EXPECT_EQ(sim.options->tolerance_ns, Nanoseconds{100'000'000});
  const ParsedMasterCommandLine system = parse_master_options({"2", "--clock", "system", "--max-offset", "50ms"});
  ASSERT_TRUE(system.options.has_value()) << system.message;
  EXPECT_EQ(system.options->tolerance_ns, Nanoseconds{1'000'000'000});
  const ParsedMasterCommandLine given = parse_master_options({"2", "--max-offset", "50ms", "--tolerance", "0"});
  ASSERT_TRUE(given.options.has_value()) << given.message;
  EXPECT_EQ(given.options->tolerance_ns, Nanoseconds{0});
  // at most twice the protocol's largest clock offset (12 h)
  EXPECT_TRUE(parse_master_options({"2", "--tolerance", "86400s"}).options.has_value());
  expect_master_error({"2", "--tolerance", "86401s"}, "--tolerance: '86401s' is too long");
}

TEST(MasterOptions, DefaultsOfTheRunAndTheAudit) {
  const ParsedMasterCommandLine parsed = parse_master_options({"1"});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.message;
  const tcp::MasterConfig& c = *parsed.options;
  EXPECT_EQ(c.interval_ns, Nanoseconds{1'000'000'000});
  EXPECT_EQ(c.timeout_ns, Nanoseconds{1'000'000'000});
  EXPECT_EQ(c.join_timeout_ns, Nanoseconds{60'000'000'000});
  EXPECT_EQ(c.audit_exchanges, 8);
  EXPECT_EQ(c.clock.kind, ClockKind::simulated);
  EXPECT_EQ(c.clock.seed, 1U);
  EXPECT_TRUE(c.json_path.empty());
  EXPECT_FALSE(c.quiet);
}

TEST(MasterOptions, RequirePrecisionWithTheAudit) {
  const ParsedMasterCommandLine parsed = parse_master_options({"2", "--require-precision", "500us"});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.message;
  ASSERT_TRUE(parsed.options->require_precision_ns.has_value());
  EXPECT_EQ(*parsed.options->require_precision_ns, Nanoseconds{500'000});
  expect_master_error({"2", "--require-precision", "0"}, "--require-precision: '0' must be greater than zero");
  expect_master_error({"2", "--require-precision", "3601s"}, "--require-precision: '3601s' is too long");
}

TEST(MasterOptions, LimitsOfCountsAndDurations) {
  const ParsedMasterCommandLine most =
      parse_master_options({"10000", "--rounds", "1000000000", "--audit-exchanges", "1000"});
  ASSERT_TRUE(most.options.has_value()) << most.message;
  EXPECT_EQ(most.options->clients, 10'000);
  EXPECT_EQ(most.options->rounds, 1'000'000'000);
  EXPECT_EQ(most.options->audit_exchanges, 1000);
  expect_master_error({"3", "--rounds", "1000000001"}, "--rounds: '1000000001'");
  expect_master_error({"3", "--audit-exchanges", "1001"}, "--audit-exchanges: '1001'");
  expect_master_error({"3", "--audit-exchanges", "-1"}, "--audit-exchanges: '-1'");
  expect_master_error({"3", "--interval", "3601s"}, "--interval: '3601s' is too long");
  expect_master_error({"3", "--join-timeout", "0"}, "--join-timeout: '0' must be greater than zero");
  expect_master_error({"3", "--join-timeout", "86401s"}, "--join-timeout: '86401s' is too long");
  expect_master_error({"3", "--timeout", "3601s"}, "--timeout: '3601s' is too long");
  // the N message states the range
  expect_master_error({"10001"}, "N: '10001' is not a number of clients (1..10000)");
}

}  // namespace
}  // namespace berkeley

namespace berkeley {
namespace {

// Beyond loopback, a keyless master must be told so (--insecure); a key file is read at once, refused with
// the file's reason.
TEST(MasterOptions, BeyondLoopbackNeedsAKeyOrInsecureAndAKeyFileIsCheckedAtOnce) {
  expect_master_error({"3", "--bind", "0.0.0.0"}, "--bind 0.0.0.0 without --key-file");
  expect_master_error({"3", "--bind", "::"}, "--insecure to accept that");
  for (const char* loopback : {"127.0.0.1", "127.3.2.1", "::1"}) {
    EXPECT_TRUE(parse_master_options({"3", "--bind", loopback}).options.has_value()) << loopback;
  }
  const ParsedMasterCommandLine insecure = parse_master_options({"3", "--bind", "0.0.0.0", "--insecure"});
  ASSERT_TRUE(insecure.options.has_value()) << insecure.message;
  EXPECT_FALSE(insecure.options->key.has_value());

  char dir[] = "/tmp/berkeley-master-key-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string key_path = std::string(dir) + "/group.key";
  std::ofstream(key_path) << "0123456789abcdef0123456789abcdef\n";
  ::chmod(key_path.c_str(), 0644);
  expect_master_error({"3", "--key-file", key_path}, "(mode 0644): chmod 600 it");
  ::chmod(key_path.c_str(), 0600);
  const ParsedMasterCommandLine keyed = parse_master_options({"3", "--bind", "0.0.0.0", "--key-file", key_path});
  ASSERT_TRUE(keyed.options.has_value()) << keyed.message;
  EXPECT_TRUE(keyed.options->key.has_value());
  expect_master_error({"3", "--key-file", std::string(dir) + "/none"}, "none': No such file or directory");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace berkeley
