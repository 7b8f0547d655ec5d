// The JSON report (report/json_writer.hpp).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "report/json_writer.hpp"
#include "support/sample_report.hpp"

namespace berkeley {
namespace {

using test::sample_report;

TEST(JsonWriter, WritesIntegerNanosecondsAndTheExcludedFlag) {
  std::ostringstream out;
  write_json(out, sample_report());
  const auto doc = nlohmann::json::parse(out.str());
  EXPECT_EQ(doc["spread_before_ns"].get<std::int64_t>(), 123'456'789);
  EXPECT_EQ(doc["spread_after_ns"].get<std::int64_t>(), 21'000);
  EXPECT_EQ(doc["parameters"]["seed"].get<std::uint64_t>(), 7U);
  ASSERT_EQ(doc["ranks"].size(), 1U);
  EXPECT_EQ(doc["ranks"][0]["offset_before_ns"].get<std::int64_t>(), -123'456'789);
  EXPECT_EQ(doc["ranks"][0]["correction_ns"].get<std::int64_t>(), 123'450'000);
  EXPECT_TRUE(doc["ranks"][0]["excluded"].get<bool>());
}

TEST(JsonWriter, SaysWhereThePatienceBudgetRanOut) {
  RunReport report = sample_report();
  report.ranks[0].bursts = 4;
  report.ranks[0].patience_ran_out = true;
  RoundSummary round;
  round.round = 1;
  round.clocks_remeasured = 2;
  round.clocks_out_of_patience = 1;
  report.rounds.push_back(round);
  std::ostringstream out;
  write_json(out, report);
  const auto doc = nlohmann::json::parse(out.str());
  EXPECT_EQ(doc["ranks"][0]["bursts"].get<int>(), 4);
  EXPECT_TRUE(doc["ranks"][0]["patience_ran_out"].get<bool>());
  EXPECT_EQ(doc["rounds"][0]["clocks_remeasured"].get<int>(), 2);
  EXPECT_EQ(doc["rounds"][0]["clocks_out_of_patience"].get<int>(), 1);
}

}  // namespace
}  // namespace berkeley
