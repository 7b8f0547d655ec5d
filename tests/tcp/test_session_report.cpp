// The master's report of a TCP session: the shared RunReport over the synchronized clocks, the members
// left out with their reason, and the stated bound.
#include <gtest/gtest.h>

#include <sstream>

#include "transport/tcp/session_report.hpp"

namespace berkeley::tcp {
namespace {

MemberRecord member(std::int64_t id, std::int64_t raw, std::int64_t correction, int rounds_answered = 1) {
  MemberRecord m;
  m.client_id = id;
  m.host = std::string("h");  // not = "h": GCC 12 -Wrestrict false positive (PR 105329)
  m.clock_domain = std::string("one-kernel");
  m.rounds_answered = rounds_answered;
  m.excluded_in_round_1 = rounds_answered == 0;
  m.total_correction_ns = Nanoseconds{correction};
  InstantObservation o;
  o.raw_ns = at_ns(raw);
  o.corrected_ns = at_ns(raw + correction);
  o.read_window_ns = Nanoseconds{100};
  m.at_instant = o;
  return m;
}

RoundSummary round_with_uncertainty(std::int64_t ns) {
  RoundSummary r;
  r.max_uncertainty_ns = Nanoseconds{ns};
  return r;
}

TEST(StatedBound, TwiceTheUncertaintiesPlusReadWindowsPlusDrift) {
  const std::vector<RoundSummary> rounds{round_with_uncertainty(5'000), round_with_uncertainty(3'000)};
  EXPECT_EQ(stated_bound(rounds, Nanoseconds{200}, 0.0, Nanoseconds{1'000'000'000}), Nanoseconds{16'004 + 400});
  // two clocks at ±10 ppm over 1 s can be 20 µs apart
  EXPECT_EQ(stated_bound(rounds, Nanoseconds{200}, 10.0, Nanoseconds{1'000'000'000}), Nanoseconds{16'404 + 20'000});
}

TEST(SessionReport, RowsAreTheSynchronizedClocksByIdTheOthersAreListedWithTheirReason) {
  std::vector<MemberRecord> members{member(0, 1'000, 300), member(2, 1'600, -300), member(5, 1'300, 0)};
  MemberRecord silent = member(7, 9'000, 0, 0);
  silent.last_failure = "no answer within 200.000 ms";
  MemberRecord gone = member(9, 1'000, 300);
  gone.at_instant.reset();
  gone.last_failure = "disconnected";
  members.push_back(silent);
  members.push_back(gone);

  const SessionReport report =
      build_session_report(RunParameters{}, members, {round_with_uncertainty(10)}, 0.0, Nanoseconds{0});
  ASSERT_EQ(report.run.ranks.size(), 3U);
  EXPECT_EQ(report.run.ranks[1].rank, 2);  // the client id, not the position
  EXPECT_EQ(report.run.ranks[2].rank, 5);
  EXPECT_EQ(report.run.parameters.ranks, 3);
  EXPECT_EQ(report.run.spread_after_ns, Nanoseconds{0});
  ASSERT_EQ(report.left_out.size(), 2U);
  EXPECT_NE(report.left_out[0].find("client 7: not synchronized (no answer in any round: no answer within 200.000 ms)"),
            std::string::npos);
  EXPECT_NE(report.left_out[1].find("client 9"), std::string::npos);
  EXPECT_NE(report.left_out[1].find("disconnected"), std::string::npos);
  EXPECT_EQ(report.bound_ns, Nanoseconds{22 + 200});
  EXPECT_TRUE(report.within_bound);
  // the per-clock claim of the shared report: the master 0, each client twice the bound from the master
  EXPECT_EQ(report.run.ranks[0].offset_after_bound_ns, std::optional(Nanoseconds{0}));
  EXPECT_EQ(report.run.ranks[1].offset_after_bound_ns, std::optional(Nanoseconds{444}));
  EXPECT_EQ(report.run.spread_after_bound_ns, std::optional(Nanoseconds{888}));
  EXPECT_EQ(report.run.bounds_held, std::optional(true));

  std::ostringstream notes;
  write_session_notes(notes, report);
  EXPECT_NE(notes.str().find("left out: client 7"), std::string::npos);
  EXPECT_NE(notes.str().find(": ok"), std::string::npos) << notes.str();
}

TEST(SessionReport, AClockOutsideTheBoundIsReportedAsExceeded) {
  const std::vector<MemberRecord> members{member(0, 1'000, 0), member(1, 1'000, 5'000)};
  const SessionReport report =
      build_session_report(RunParameters{}, members, {round_with_uncertainty(100)}, 0.0, Nanoseconds{0});
  EXPECT_FALSE(report.within_bound);
  // 5 µs from the master against 2 x 402 ns + the read windows: the per-clock claim fails too
  EXPECT_EQ(report.run.ranks[1].bound_held, std::optional(false));
  EXPECT_EQ(report.run.bounds_held, std::optional(false));
  std::ostringstream notes;
  write_session_notes(notes, report);
  EXPECT_NE(notes.str().find("EXCEEDED"), std::string::npos) << notes.str();
}

TEST(SessionReport, TheAuditGateIsTheSharedOne) {
  std::vector<MemberRecord> members{member(0, 1'000, 0), member(1, 1'000, 0), member(2, 1'000, 0)};
  members[0].audit = AuditEstimate{Nanoseconds{0}, Nanoseconds{0}, true, 8};  // the master, as audit_group sets it
  members[1].audit = AuditEstimate{Nanoseconds{-900}, Nanoseconds{50}, true, 8};
  members[2].audit = AuditEstimate{Nanoseconds{100}, Nanoseconds{50}, true, 8};
  const SessionReport report =
      build_session_report(RunParameters{}, members, {}, 0.0, Nanoseconds{0}, Nanoseconds{500});
  EXPECT_EQ(report.run.audit_max_abs_residual_ns, Nanoseconds{900});
  EXPECT_EQ(report.run.audit_max_bound_ns, std::optional(Nanoseconds{950}));
  EXPECT_FALSE(report.run.precision_met);
  // 920 ns covers the residual but not its uncertainty
  EXPECT_FALSE(
      build_session_report(RunParameters{}, members, {}, 0.0, Nanoseconds{0}, Nanoseconds{920}).run.precision_met);
  EXPECT_TRUE(
      build_session_report(RunParameters{}, members, {}, 0.0, Nanoseconds{0}, Nanoseconds{950}).run.precision_met);
  // a client that synchronized but timed out in the audit is not proven close: the gate fails and names it
  members[2].audit.reset();
  const SessionReport unaudited =
      build_session_report(RunParameters{}, members, {}, 0.0, Nanoseconds{0}, Nanoseconds{1'000'000});
  EXPECT_FALSE(unaudited.run.precision_met);
  EXPECT_NE(precision_failure(unaudited.run).find("rank 2 was not audited"), std::string::npos)
      << precision_failure(unaudited.run);
}

}  // namespace
}  // namespace berkeley::tcp
