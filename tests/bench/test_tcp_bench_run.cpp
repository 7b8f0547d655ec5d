// The TCP benchmark's runs (bench/tcp/tcp_bench_run): a Measurement is what the master's report and exit say,
// and run_bench's status and table follow from the runs. Short runs of the real berkeley_master (a few clients,
// one or two rounds, loopback, port 0); stand-in masters (small shell scripts) for the ways a run fails.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/tcp/tcp_bench_run.hpp"
#include "core/run_status.hpp"

namespace berkeley::tcp::bench {
namespace {

namespace fs = std::filesystem;

class TcpBenchRun : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/berkeley_tcp_bench_test_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // a short run of the real master
  BenchOptions options(std::vector<std::int64_t> clients) const {
    BenchOptions o;
    o.client_counts = std::move(clients);
    o.rounds = 2;
    o.master_path = BERKELEY_TEST_MASTER;
    o.exchanges.min_exchanges = 3;
    o.exchanges.max_exchanges = 5;
    return o;
  }

  // an executable shell script in the test's directory, run with the master's arguments
  std::string script(const std::string& name, const std::string& body) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body << '\n';
    fs::permissions(path, fs::perms::owner_all);
    return path;
  }

  std::string dir_;
};

nlohmann::json read_json(const std::string& path) {
  std::ifstream file(path);
  return nlohmann::json::parse(file);
}

TEST_F(TcpBenchRun, AMeasurementIsWhatTheMastersReportSays) {
  BenchOptions o = options({3});
  o.keep_json_dir = dir_;
  const std::optional<Measurement> m = measure_run(o, 3);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->clients, 3);
  EXPECT_EQ(m->master_exit, 0);
  EXPECT_GT(m->peak_rss_kib, 0);
  EXPECT_TRUE(m->report_kept);

  // the kept report is the master's: compare field by field
  const nlohmann::json report = read_json(dir_ + "/clients-3.json");
  ASSERT_EQ(m->round_ns.size(), 2U);  // --rounds reached the master
  ASSERT_EQ(report.at("rounds").size(), 2U);
  for (std::size_t i = 0; i < m->round_ns.size(); ++i) {
    EXPECT_EQ(m->round_ns[i], report.at("rounds")[i].at("duration_ns").get<std::int64_t>());
    EXPECT_GT(m->round_ns[i], 0);
  }
  EXPECT_EQ(m->max_abs_residual_ns, report.at("max_abs_residual_ns").get<std::int64_t>());
  std::vector<std::int64_t> round_trips;
  std::int64_t exchanges = 0;
  for (const auto& rank : report.at("ranks")) {
    if (rank.at("rank").get<std::int64_t>() == 0) continue;
    exchanges += rank.at("samples_used").get<std::int64_t>();
    round_trips.push_back(rank.at("median_round_trip_ns").get<std::int64_t>());
  }
  ASSERT_EQ(round_trips.size(), 3U);  // the master is not counted as a client
  EXPECT_DOUBLE_EQ(m->exchanges_per_client, static_cast<double>(exchanges) / 3.0);
  // --max-exchanges reached the master: no client measured more often
  EXPECT_GE(m->exchanges_per_client, 1.0);
  EXPECT_LE(m->exchanges_per_client, 5.0);
  std::sort(round_trips.begin(), round_trips.end());
  EXPECT_EQ(m->median_round_trip_ns, round_trips[1]);
}

TEST_F(TcpBenchRun, AMasterThatNeverSaysWhereItListensFailsTheRun) {
  BenchOptions o = options({2});
  o.master_path = script("mute_master", "echo hello; exit 0");
  testing::internal::CaptureStderr();
  const std::optional<Measurement> m = measure_run(o, 2);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_FALSE(m.has_value());
  EXPECT_NE(err.find("the master did not say where it listens"), std::string::npos) << err;
}

TEST_F(TcpBenchRun, AMasterThatNamesNoValidPortFailsTheRunQuotingItsLine) {
  for (const char* const text : {"listening on 127.0.0.1:http, waiting", "listening on 127.0.0.1:70000, waiting",
                                 "listening on 127.0.0.1:0, waiting"}) {
    const std::string line = text;
    BenchOptions o = options({2});
    o.master_path = script("odd_master", "echo '" + line + "'; sleep 1; exit 0");
    testing::internal::CaptureStderr();
    const std::optional<Measurement> m = measure_run(o, 2);
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_FALSE(m.has_value()) << line;
    EXPECT_NE(err.find("names no port 1..65535: '" + line + "'"), std::string::npos) << err;
  }
}

TEST_F(TcpBenchRun, AMasterWithoutAReportFailsTheRun) {
  // says where it listens (the real master does the listening), then the report it wrote is thrown away
  BenchOptions o = options({2});
  o.master_path = script("forgetful_master", std::string(BERKELEY_TEST_MASTER) +
                                                 " \"$@\"; st=$?\n"
                                                 "for a in \"$@\"; do last=$a; done\n: > \"$last\"; exit $st");
  testing::internal::CaptureStderr();
  const std::optional<Measurement> m = measure_run(o, 2);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_FALSE(m.has_value());
  EXPECT_NE(err.find("cannot read the master's report"), std::string::npos) << err;
}

TEST_F(TcpBenchRun, AllRunsCompleteAndTheirReportsAreKept) {
  BenchOptions o = options({2, 3});
  o.rounds = 1;
  o.keep_json_dir = dir_;
  testing::internal::CaptureStdout();
  const RunStatus status = run_bench(o);
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(status, RunStatus::ok) << out;
  EXPECT_NE(out.find("1 round(s) per run, exchanges per client and round 3..5"), std::string::npos) << out;
  EXPECT_NE(out.find("\n       2 "), std::string::npos) << out;
  EXPECT_NE(out.find("\n       3 "), std::string::npos) << out;
  EXPECT_EQ(out.find("run failed"), std::string::npos) << out;
  EXPECT_EQ(out.find("target missed"), std::string::npos) << out;  // the target applies to 1,000 clients
  for (const char* kept : {"/clients-2.json", "/clients-3.json"}) {
    ASSERT_TRUE(fs::is_regular_file(dir_ + kept)) << kept;
    EXPECT_EQ(read_json(dir_ + kept).at("rounds").size(), 1U) << kept;
  }
}

TEST_F(TcpBenchRun, AMasterThatExitsNonZeroFailsTheRunAndSaysSo) {
  BenchOptions o = options({2});
  o.rounds = 1;
  o.master_path = script("failing_master", std::string(BERKELEY_TEST_MASTER) + " \"$@\"; exit 7");
  testing::internal::CaptureStdout();
  const RunStatus status = run_bench(o);
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(status, RunStatus::network_error) << out;
  EXPECT_NE(out.find("(master exit 7)"), std::string::npos) << out;
}

TEST_F(TcpBenchRun, AMasterThatCannotStartIsARunFailedNamingIt) {
  BenchOptions o = options({2, 3});
  o.master_path = dir_ + "/no_such_master";
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  const RunStatus status = run_bench(o);
  const std::string err = testing::internal::GetCapturedStderr();
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(status, RunStatus::network_error);
  EXPECT_NE(err.find("cannot start " + o.master_path), std::string::npos) << err;
  // every count is tried and gets its row
  EXPECT_NE(out.find("       2  run failed"), std::string::npos) << out;
  EXPECT_NE(out.find("       3  run failed"), std::string::npos) << out;
}

TEST_F(TcpBenchRun, KeepJsonThatIsNoDirectoryStopsBeforeAnyRun) {
  BenchOptions o = options({2});
  o.master_path = dir_ + "/no_such_master";  // would be a network_error if a run were tried
  o.keep_json_dir = script("a_file", "");
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  const RunStatus status = run_bench(o);
  const std::string err = testing::internal::GetCapturedStderr();
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(status, RunStatus::output_error);
  EXPECT_NE(err.find("--keep-json: '" + o.keep_json_dir + "' is not a directory"), std::string::npos) << err;
  EXPECT_EQ(out, "");
}

TEST_F(TcpBenchRun, AReportThatCannotBeKeptIsAnOutputError) {
  BenchOptions o = options({2});
  o.rounds = 1;
  o.keep_json_dir = dir_;
  fs::create_directory(dir_ + "/clients-2.json");  // in the way of the copy
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  const RunStatus status = run_bench(o);
  const std::string err = testing::internal::GetCapturedStderr();
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(status, RunStatus::output_error) << out << err;
  EXPECT_NE(err.find("cannot write '" + dir_ + "/clients-2.json'"), std::string::npos) << err;
}

}  // namespace
}  // namespace berkeley::tcp::bench
