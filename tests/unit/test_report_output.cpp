// The end of every program's run (report/report_output.hpp): the JSON written, then the verdict.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/version.hpp"
#include "report/offsets_file.hpp"
#include "report/report_output.hpp"

namespace berkeley {
namespace {

RunReport audited_report(bool precision_met) {
  RunReport report;
  report.parameters.ranks = 2;
  report.parameters.clock = "simulated";
  RankReport r;
  r.rank = 1;
  r.host = "node1";
  r.audited = true;
  r.audit_residual_ns = Nanoseconds{120};
  r.audit_uncertainty_ns = Nanoseconds{30};
  report.ranks.push_back(r);
  report.audit_ran = true;
  report.audits_complete = true;
  report.audit_max_bound_ns = Nanoseconds{150};
  report.required_precision_ns = Nanoseconds{precision_met ? 1'000 : 100};
  report.precision_met = precision_met;
  return report;
}

class SaveAndJudge : public ::testing::Test {
 protected:
  void TearDown() override { std::remove(path_.c_str()); }
  // one file per test: ctest runs the tests of this file side by side
  const std::string path_ = ::testing::TempDir() + "berkeley_report_output_" +
                            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json";
};

TEST_F(SaveAndJudge, WritesTheJsonAndIsOkWhenEveryPromiseHeld) {
  ReportFiles files(path_, "", "");
  ASSERT_EQ(files.open_all(), nullptr);
  std::ostringstream log;
  EXPECT_EQ(save_and_judge(audited_report(true), files, log, "prog"), RunStatus::ok);
  EXPECT_EQ(log.str(), "");
  std::ifstream written(path_);
  const nlohmann::json json = nlohmann::json::parse(written);
  EXPECT_EQ(json.at("ranks").size(), 1U);
}

TEST_F(SaveAndJudge, AMissedPrecisionFailsWithOneLineNamingTheGate) {
  ReportFiles files(path_, "", "");
  ASSERT_EQ(files.open_all(), nullptr);
  std::ostringstream log;
  EXPECT_EQ(save_and_judge(audited_report(false), files, log, "prog"), RunStatus::precision_failed);
  const std::string said = log.str();
  EXPECT_EQ(said.rfind("prog: --require-precision", 0), 0U) << said;
  EXPECT_EQ(std::count(said.begin(), said.end(), '\n'), 1) << said;
  std::ifstream written(path_);
  const nlohmann::json json = nlohmann::json::parse(written);  // the report is written all the same
  EXPECT_EQ(json.at("ranks").size(), 1U);
}

TEST_F(SaveAndJudge, ABrokenPromiseFailsEvenWherePrecisionWasMet) {
  ReportFiles files(path_, "", "");
  ASSERT_EQ(files.open_all(), nullptr);
  std::ostringstream log;
  EXPECT_EQ(save_and_judge(audited_report(true), files, log, "prog", std::string("a clock left its bound")),
            RunStatus::precision_failed);
  EXPECT_EQ(log.str(), "prog: a clock left its bound\n");
}

TEST_F(SaveAndJudge, WritesTheOffsetsAndTheCsvNamingTheProgramAndItsVersion) {
  ReportFiles files(path_, path_ + ".offsets", path_ + ".csv");
  ASSERT_EQ(files.open_all(), nullptr);
  std::ostringstream log;
  EXPECT_EQ(save_and_judge(audited_report(true), files, log, "prog"), RunStatus::ok);
  std::ifstream report_file(path_);
  EXPECT_EQ(nlohmann::json::parse(report_file).at("generated_by"), version_line("prog"));
  const OffsetsRead offsets = read_offsets_file(path_ + ".offsets");
  ASSERT_TRUE(offsets.offsets.has_value()) << offsets.error;
  EXPECT_EQ(offsets.offsets->generated_by, version_line("prog"));
  ASSERT_EQ(offsets.offsets->participants.size(), 1U);
  EXPECT_EQ(offsets.offsets->participants[0].name, "rank 1");
  std::ifstream csv(path_ + ".csv");
  std::string header;
  std::string row;
  ASSERT_TRUE(std::getline(csv, header));
  ASSERT_TRUE(std::getline(csv, row));
  EXPECT_EQ(header.rfind("participant,rank,transport,host,", 0), 0U) << header;
  EXPECT_EQ(row.rfind("rank 1,1,,node1,", 0), 0U) << row;
  std::remove((path_ + ".offsets").c_str());
  std::remove((path_ + ".csv").c_str());
}

TEST_F(SaveAndJudge, AFileThatCannotBeWrittenIsNamedByItsOption) {
  // the first file that cannot be opened is the one reported, by its own option
  ReportFiles unwritable("", "/nonexistent/dir/o.json", "/nonexistent/dir/t.csv");
  ReportFile* first = unwritable.open_all();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(cannot_open_message("prog", *first), "prog: --offsets: cannot write '/nonexistent/dir/o.json'");
}

TEST(WriteReportText, QuietGivesTheSummaryAloneAndTheTableOtherwise) {
  const RunReport report = audited_report(true);
  std::ostringstream quiet;
  std::ostringstream table;
  write_report_text(quiet, report, true);
  write_report_text(table, report, false);
  const std::string summary = quiet.str();
  EXPECT_EQ(std::count(summary.begin(), summary.end(), '\n'), 1) << summary;
  EXPECT_NE(table.str().find("node1"), std::string::npos) << table.str();
  EXPECT_GT(table.str().size(), quiet.str().size());
}

}  // namespace
}  // namespace berkeley
