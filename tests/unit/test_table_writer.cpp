// The table and the summary line (report/table_writer.hpp).
#include <gtest/gtest.h>

#include <sstream>

#include "report/table_writer.hpp"
#include "support/sample_report.hpp"

namespace berkeley {
namespace {

using test::sample_report;

TEST(TableWriter, TheRoundLineSaysWhoWasMeasuredAgainAndWhereThePatienceRanOut) {
  RoundSummary round;
  round.round = 1;
  std::ostringstream quiet;
  write_round_line(quiet, round, 1);
  EXPECT_EQ(quiet.str().find("measured again"), std::string::npos) << quiet.str();
  round.clocks_remeasured = 3;
  round.clocks_out_of_patience = 1;
  std::ostringstream busy;
  write_round_line(busy, round, 1);
  EXPECT_NE(busy.str().find("(3 measured again for a quiet exchange, 1 still busy when the patience budget ran out)\n"),
            std::string::npos)
      << busy.str();
}

TEST(TableWriter, WritesUnitsSignsAndTheSummary) {
  std::ostringstream out;
  write_table(out, sample_report());
  const std::string text = out.str();
  EXPECT_NE(text.find("offset [ms]"), std::string::npos);
  EXPECT_NE(text.find("node7"), std::string::npos);
  EXPECT_NE(text.find("5.123456789"), std::string::npos);
  EXPECT_NE(text.find("-123.456789"), std::string::npos);
  EXPECT_NE(text.find("-1.500"), std::string::npos);
  EXPECT_NE(text.find("excluded"), std::string::npos);
  EXPECT_NE(text.find("spread before: 123456789 ns"), std::string::npos);
  EXPECT_NE(text.find("after: 21000 ns"), std::string::npos);
  EXPECT_NE(text.find("-1.500  excluded from average\n"), std::string::npos) << text;
}

TEST(TableWriter, NoLineEndsInBlanks) {
  RunReport report = sample_report();
  report.ranks.front().excluded = false;  // the note column is then empty
  std::ostringstream out;
  write_table(out, report);
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(line.empty() || line.back() != ' ') << '[' << line << ']';
  }
}

}  // namespace
}  // namespace berkeley
