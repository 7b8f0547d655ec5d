// One report for a sync group, whatever carried its members: which members become rows (numbered by their
// rank or client id), which are left out and why, and the left-out lines carried into the text and JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "report/group_members.hpp"
#include "report/json_writer.hpp"
#include "report/report_output.hpp"

namespace berkeley {
namespace {

GroupMember member(int id, std::int64_t raw, std::int64_t correction, int rounds_answered = 1) {
  GroupMember m;
  m.is_master = id == 0;
  m.inputs.id = id;
  m.inputs.host = std::string("h");  // not = "h": GCC 12 -Wrestrict false positive (PR 105329)
  m.inputs.clock_domain = std::string("one-kernel");
  m.rounds_answered = rounds_answered;
  m.read_at_instant = true;
  m.inputs.at_instant.raw_ns = at_ns(raw);
  m.inputs.at_instant.corrected_ns = at_ns(raw + correction);
  m.inputs.at_instant.read_window_ns = Nanoseconds{100 + id};
  return m;
}

TEST(GroupRows, RowsAreTheSynchronizedAndReadMembersTheOthersAreLeftOutWithTheirReason) {
  std::vector<GroupMember> members{member(0, 1'000, 300), member(2, 1'600, -300), member(5, 1'300, 0)};
  GroupMember silent = member(7, 9'000, 0, 0);
  silent.last_failure = "no answer within 200.000 ms";
  silent.inputs.at_instant.read_window_ns = Nanoseconds{1'000'000};  // not a row: its window does not count
  GroupMember gone = member(9, 1'000, 300, 2);
  gone.read_at_instant = false;
  gone.last_failure = "disconnected";
  members.push_back(silent);
  members.push_back(gone);

  const GroupRows rows = group_rows(members, "client");
  ASSERT_EQ(rows.rows.size(), 3U);
  EXPECT_EQ(rows.rows[1].id, 2);
  EXPECT_EQ(rows.rows[2].id, 5);
  EXPECT_EQ(rows.widest_read_window_ns, Nanoseconds{105});
  ASSERT_EQ(rows.left_out.size(), 2U);
  EXPECT_EQ(rows.left_out[0], "client 7: not synchronized (no answer in any round: no answer within 200.000 ms)");
  EXPECT_EQ(rows.left_out[1],
            "client 9: synchronized in 2 round(s), but not read at the shared instant (disconnected)");
}

TEST(GroupRows, TheMasterIsARowEvenWithoutAnswersAndAMemberWithoutAnIdIsNamedByItsPosition) {
  GroupMember master = member(0, 1'000, 0, 0);
  GroupMember unnamed = member(3, 1'000, 0, 0);
  unnamed.inputs.id = -1;
  unnamed.last_failure = "timed out";
  const GroupRows rows = group_rows({master, unnamed}, "rank");
  ASSERT_EQ(rows.rows.size(), 1U);
  ASSERT_EQ(rows.left_out.size(), 1U);
  EXPECT_EQ(rows.left_out[0], "rank 1: not synchronized (no answer in any round: timed out)");
}

TEST(GroupReport, RowsAreNumberedByIdCountedInTheParametersAndTheLeftOutReachTheTextAndJson) {
  std::vector<GroupMember> members{member(0, 1'000, 300), member(4, 1'600, -300), member(6, 1'300, 0, 0)};
  members[2].last_failure = "refused";
  RunParameters parameters;
  parameters.ranks = 99;  // replaced: the report counts its rows
  const RunReport report = build_group_report(parameters, group_rows(members, "client"), {}, "CLOCK_MONOTONIC");
  EXPECT_EQ(report.parameters.ranks, 2);
  ASSERT_EQ(report.ranks.size(), 2U);
  EXPECT_EQ(report.ranks[0].rank, 0);
  EXPECT_EQ(report.ranks[1].rank, 4);  // the client id, not the position
  EXPECT_EQ(report.ranks[1].offset_before_ns, Nanoseconds{600});
  EXPECT_EQ(report.spread_after_ns, Nanoseconds{0});
  ASSERT_EQ(report.left_out.size(), 1U);

  std::ostringstream text;
  write_report_text(text, report, true);
  EXPECT_NE(text.str().find("left out: client 6: not synchronized (no answer in any round: refused)"),
            std::string::npos)
      << text.str();
  std::ostringstream json_text;
  write_json(json_text, report);
  const nlohmann::json doc = nlohmann::json::parse(json_text.str());
  ASSERT_EQ(doc.at("left_out").size(), 1U);
  EXPECT_EQ(doc.at("left_out")[0], "client 6: not synchronized (no answer in any round: refused)");
  EXPECT_EQ(doc.at("ranks")[1].at("rank"), 4);
}

TEST(GroupReport, TheAuditGateCoversEveryRowAndNamesAnUnauditedOneById) {
  std::vector<GroupMember> members{member(0, 1'000, 0), member(1, 1'000, 0), member(2, 1'000, 0)};
  members[0].inputs.audit = AuditEstimate{Nanoseconds{0}, Nanoseconds{0}, true, 8};  // the master
  members[1].inputs.audit = AuditEstimate{Nanoseconds{-900}, Nanoseconds{50}, true, 8};
  members[2].inputs.audit = AuditEstimate{Nanoseconds{100}, Nanoseconds{50}, true, 8};
  const auto report = [&](std::int64_t gate_ns) {
    return build_group_report(RunParameters{}, group_rows(members, "client"), {}, "CLOCK_MONOTONIC", {},
                              Nanoseconds{gate_ns});
  };
  EXPECT_EQ(report(500).audit_max_abs_residual_ns, Nanoseconds{900});
  EXPECT_EQ(report(500).audit_max_bound_ns, std::optional(Nanoseconds{950}));
  EXPECT_FALSE(report(500).precision_met);
  EXPECT_FALSE(report(920).precision_met);  // covers the residual but not its uncertainty
  EXPECT_TRUE(report(950).precision_met);
  // a member that synchronized but timed out in the audit is not proven close: the gate fails and names it
  members[2].inputs.id = 8;
  members[2].inputs.audit.reset();
  const RunReport unaudited = report(1'000'000);
  EXPECT_FALSE(unaudited.precision_met);
  EXPECT_NE(precision_failure(unaudited).find("rank 8 was not audited"), std::string::npos)
      << precision_failure(unaudited);
  // the same member as a TCP client is named as one
  members[2].inputs.transport = "tcp";
  EXPECT_NE(precision_failure(report(1'000'000)).find("client 8 was not audited"), std::string::npos)
      << precision_failure(report(1'000'000));
}

}  // namespace
}  // namespace berkeley
