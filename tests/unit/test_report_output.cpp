// The end of every program's run (report/report_output.hpp): the JSON written, then the verdict.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

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
  ReportFile file(path_);
  ASSERT_TRUE(file.open());
  std::ostringstream log;
  EXPECT_EQ(save_and_judge(audited_report(true), file, log, "prog"), RunStatus::ok);
  EXPECT_EQ(log.str(), "");
  std::ifstream written(path_);
  const nlohmann::json json = nlohmann::json::parse(written);
  EXPECT_EQ(json.at("ranks").size(), 1U);
}

TEST_F(SaveAndJudge, AMissedPrecisionFailsWithOneLineNamingTheGate) {
  ReportFile file(path_);
  ASSERT_TRUE(file.open());
  std::ostringstream log;
  EXPECT_EQ(save_and_judge(audited_report(false), file, log, "prog"), RunStatus::precision_failed);
  const std::string said = log.str();
  EXPECT_EQ(said.rfind("prog: --require-precision", 0), 0U) << said;
  EXPECT_EQ(std::count(said.begin(), said.end(), '\n'), 1) << said;
  std::ifstream written(path_);
  const nlohmann::json json = nlohmann::json::parse(written);  // the report is written all the same
  EXPECT_EQ(json.at("ranks").size(), 1U);
}

TEST_F(SaveAndJudge, ABrokenPromiseFailsEvenWherePrecisionWasMet) {
  ReportFile file(path_);
  ASSERT_TRUE(file.open());
  std::ostringstream log;
  EXPECT_EQ(save_and_judge(audited_report(true), file, log, "prog", std::string("a clock left its bound")),
            RunStatus::precision_failed);
  EXPECT_EQ(log.str(), "prog: a clock left its bound\n");
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
