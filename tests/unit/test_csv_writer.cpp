// The per-participant table as CSV (report/csv_writer.hpp): one header, one line per participant, RFC 4180.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "report/csv_writer.hpp"
#include "report/run_report.hpp"
#include "support/sample_report.hpp"

namespace berkeley {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end = text.find("\r\n"); end != std::string::npos; end = text.find("\r\n", start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  EXPECT_EQ(start, text.size()) << "every line ends in CRLF";
  return lines;
}

std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      cells.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  return cells;
}

TEST(CsvWriter, OneHeaderAndOneLinePerParticipantWithTheSameColumns) {
  RunReport report = test::sample_report();
  RankReport client = report.ranks[0];
  client.rank = 3;
  client.transport = "tcp";
  client.host = "lab, room \"B\"";  // a comma and quotes: quoted, quotes doubled
  client.excluded = false;
  client.offset_after_bound_ns = Nanoseconds{450};
  client.bound_held = true;
  client.audited = true;
  client.audit_residual_ns = Nanoseconds{-12};
  client.audit_uncertainty_ns = Nanoseconds{40};
  client.drift_ppm = -1.25;
  report.ranks.push_back(client);
  std::ostringstream out;
  write_csv(out, report);
  const std::vector<std::string> lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 3U);
  const std::vector<std::string> header = cells_of(lines[0]);
  const auto column = [&](const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    ADD_FAILURE() << "no column " << name;
    return std::size_t{0};
  };
  const std::vector<std::string> rank1 = cells_of(lines[1]);
  const std::vector<std::string> client3 = cells_of(lines[2]);
  ASSERT_EQ(rank1.size(), header.size());
  ASSERT_EQ(client3.size(), header.size());
  EXPECT_EQ(rank1[column("participant")], "rank 1");
  EXPECT_EQ(rank1[column("offset_before_ns")], "-123456789");
  EXPECT_EQ(rank1[column("correction_ns")], "123450000");
  EXPECT_EQ(rank1[column("excluded")], "true");
  EXPECT_EQ(rank1[column("offset_after_bound_ns")], "");  // null in the JSON: empty
  EXPECT_EQ(rank1[column("audit_residual_ns")], "");      // not audited
  EXPECT_EQ(client3[column("participant")], "client 3");
  EXPECT_EQ(client3[column("host")], "lab, room \"B\"");
  EXPECT_EQ(client3[column("offset_after_bound_ns")], "450");
  EXPECT_EQ(client3[column("bound_held")], "true");
  EXPECT_EQ(client3[column("audit_residual_ns")], "-12");
  EXPECT_EQ(client3[column("audit_uncertainty_ns")], "40");
  EXPECT_EQ(std::stod(client3[column("drift_ppm")]), -1.25);
}

}  // namespace
}  // namespace berkeley
