#include <gtest/gtest.h>

#include "report/report_builder.hpp"

namespace berkeley {
namespace {

RankInputs rank_at(const char* host, std::int64_t raw, std::int64_t correction, bool excluded = false) {
  RankInputs r;
  r.host = host;
  r.clock_domain = "one-kernel";
  r.at_instant = InstantObservation{at_ns(raw), at_ns(raw + correction), Nanoseconds{40}, {}, {}};
  r.excluded = excluded;
  return r;
}

TEST(BuildRunReport, SpreadsResidualsAndOffsetsComeFromTheSharedInstant) {
  // truth: clocks at 1000, 1300, 1600 (agreed time 1300); corrections leave them at 1299, 1301, 1300
  const std::vector<RankInputs> ranks{rank_at("a", 1'000, 299), rank_at("a", 1'300, 1), rank_at("a", 1'600, -300)};
  const RunReport report = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC");
  EXPECT_EQ(report.spread_before_ns, Nanoseconds{600});
  EXPECT_EQ(report.spread_after_ns, Nanoseconds{2});
  EXPECT_EQ(report.ranks[1].offset_before_ns, Nanoseconds{300});
  EXPECT_EQ(report.ranks[2].offset_after_ns, Nanoseconds{1});
  EXPECT_EQ(report.ranks[0].residual_ns, Nanoseconds{-1});
  EXPECT_EQ(report.ranks[1].residual_ns, Nanoseconds{1});
  EXPECT_EQ(report.max_abs_residual_ns, Nanoseconds{1});
  EXPECT_TRUE(report.truth_measured);
  EXPECT_EQ(report.hosts, 1);
}

TEST(BuildRunReport, ExcludedClocksDoNotMoveTheAgreedTime) {
  const std::vector<RankInputs> ranks{rank_at("a", 1'000, 0), rank_at("a", 1'000, 0),
                                      rank_at("a", 9'000, -8'000, true)};
  const RunReport report = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC");
  for (const RankReport& r : report.ranks) EXPECT_EQ(r.residual_ns, Nanoseconds{0}) << r.rank;
  EXPECT_TRUE(report.ranks[2].excluded);
}

TEST(BuildRunReport, HostsOnOneKernelShareTheTruthWhateverTheirNames) {
  // three network namespaces with their own host names, one kernel: one CLOCK_MONOTONIC
  const std::vector<RankInputs> ranks{rank_at("bm1", 0, 0), rank_at("bm2", 0, 0), rank_at("bm3", 0, 0)};
  const RunReport report = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC");
  EXPECT_EQ(report.hosts, 3);
  EXPECT_EQ(report.clock_domains, 1);
  EXPECT_TRUE(report.truth_measured);
}

TEST(BuildRunReport, OneHostNameIsNoProofOfOneClock) {
  // same name, another kernel (or a time namespace), or a rank that could not tell: no ground truth
  std::vector<RankInputs> ranks{rank_at("a", 0, 0), rank_at("a", 0, 0)};
  ranks[1].clock_domain = "another-kernel";
  RunReport report = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC");
  EXPECT_EQ(report.clock_domains, 2);
  EXPECT_FALSE(report.truth_measured);
  ranks[1].clock_domain.reset();
  report = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC");
  EXPECT_EQ(report.clock_domains, 2);  // the unknown one counts as a clock of its own
  EXPECT_FALSE(report.truth_measured);
}

TEST(BuildRunReport, HostsOnSeveralKernelsHaveNoGroundTruth) {
  std::vector<RankInputs> ranks{rank_at("a", 0, 0), rank_at("b", 0, 0)};
  ranks[1].clock_domain = "b-kernel";
  const RunReport report = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC");
  EXPECT_EQ(report.hosts, 2);
  EXPECT_EQ(report.clock_domains, 2);
  EXPECT_FALSE(report.truth_measured);
}

TEST(BuildRunReport, AnInconsistentAuditFailsThePrecisionGate) {
  std::vector<RankInputs> ranks{rank_at("a", 0, 0), rank_at("a", 0, 0), rank_at("a", 0, 0)};
  ranks[0].audit = AuditEstimate{Nanoseconds{0}, Nanoseconds{0}, true, 8};    // the master, exactly
  ranks[1].audit = AuditEstimate{Nanoseconds{10}, Nanoseconds{15}, true, 8};  // up to 25 ns away
  ranks[2].audit = AuditEstimate{Nanoseconds{-20}, Nanoseconds{3}, true, 8};  // up to 23 ns away
  const RunReport within = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC", {}, Nanoseconds{25});
  EXPECT_EQ(within.audit_max_abs_residual_ns, Nanoseconds{20});
  EXPECT_EQ(within.audit_max_bound_ns, std::optional(Nanoseconds{25}));
  EXPECT_TRUE(within.audits_consistent);
  EXPECT_TRUE(within.precision_met);
  // every residual is within 24 ns, but rank 1's clock may be 25 ns away: the gate is on what is proven
  const RunReport tight = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC", {}, Nanoseconds{24});
  EXPECT_FALSE(tight.precision_met);
  EXPECT_NE(precision_failure(tight).find("rank 1 at 10 ns +- 15 ns from the master, so up to 25 ns away"),
            std::string::npos)
      << precision_failure(tight);

  ranks[2].audit->consistent = false;  // residual 20 ns looks fine, but it is not bounded
  const RunReport inconsistent =
      build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC", {}, Nanoseconds{1'000});
  EXPECT_FALSE(inconsistent.audits_consistent);
  EXPECT_FALSE(inconsistent.precision_met);
  EXPECT_NE(precision_failure(inconsistent).find("rank 2 is inconsistent"), std::string::npos)
      << precision_failure(inconsistent);
  // without a gate there is nothing to fail
  EXPECT_TRUE(build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC").precision_met);
}

TEST(BuildRunReport, ARankTheAuditNeverReachedFailsThePrecisionGate) {
  std::vector<RankInputs> ranks{rank_at("a", 0, 0), rank_at("a", 0, 0), rank_at("a", 0, 0)};
  ranks[0].audit = AuditEstimate{Nanoseconds{0}, Nanoseconds{0}, true, 8};
  ranks[1].audit = AuditEstimate{Nanoseconds{10}, Nanoseconds{15}, true, 8};
  // rank 2 never answered the audit: its 0 ± 0 must not read as a perfect clock
  const RunReport report = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC", {}, Nanoseconds{1'000'000});
  EXPECT_TRUE(report.audit_ran);
  EXPECT_FALSE(report.audits_complete);
  EXPECT_FALSE(report.audit_max_bound_ns.has_value());  // nothing proves a bound
  EXPECT_FALSE(report.ranks[2].audited);
  EXPECT_FALSE(report.precision_met);
  EXPECT_NE(precision_failure(report).find("rank 2 was not audited"), std::string::npos) << precision_failure(report);
  // nor is there any audit without one
  const RunReport none =
      build_run_report(RunParameters{}, {rank_at("a", 0, 0), rank_at("a", 0, 0)}, {}, "CLOCK_MONOTONIC");
  EXPECT_FALSE(none.audit_ran);
  EXPECT_TRUE(none.precision_met);  // no gate
}

}  // namespace
}  // namespace berkeley

namespace berkeley {
namespace {

TEST(BuildRunReport, TheSyncsBoundsGiveTheSpreadBoundAndAreCheckedAgainstTheTruth) {
  // clocks after the sync at 0, +30, −20 from the master, read within 40 ns each (rank_at's window)
  std::vector<RankInputs> ranks{rank_at("a", 1'000, 0), rank_at("a", 2'000, -970), rank_at("a", 500, 480)};
  ranks[0].bound_ns = Nanoseconds{0};
  ranks[1].bound_ns = Nanoseconds{100};
  ranks[2].bound_ns = Nanoseconds{60};
  RunReport report = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC");
  ASSERT_TRUE(report.spread_after_bound_ns.has_value());
  EXPECT_EQ(*report.spread_after_bound_ns, Nanoseconds{160});  // the two widest bounds from the master
  ASSERT_TRUE(report.bounds_held.has_value());
  EXPECT_TRUE(*report.bounds_held);
  EXPECT_EQ(report.ranks[1].offset_after_bound_ns, Nanoseconds{100});

  // a bound below the true offset is still held within the two read windows (19 + 2 × 40 ≥ 20) ...
  ranks[2].bound_ns = Nanoseconds{19};
  report = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC");
  EXPECT_TRUE(*report.bounds_held);
  // ... but not beyond them: now −120 from the master, beyond 19 + 80
  ranks[2].at_instant.corrected_ns = at_ns(500 + 480 - 100);
  report = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC");
  EXPECT_FALSE(*report.bounds_held);
  EXPECT_FALSE(*report.ranks[2].bound_held);
  EXPECT_TRUE(*report.ranks[1].bound_held);
}

TEST(BuildRunReport, WithoutABoundForEveryRankOrWithoutTheTruthNothingIsClaimed) {
  std::vector<RankInputs> ranks{rank_at("a", 0, 0), rank_at("a", 0, 0)};
  ranks[1].bound_ns = Nanoseconds{10};
  const RunReport partial = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC");
  EXPECT_FALSE(partial.spread_after_bound_ns.has_value());
  EXPECT_FALSE(partial.bounds_held.has_value());
  ranks[0].bound_ns = Nanoseconds{0};
  ranks[1].clock_domain = "b-kernel";  // two kernels: the shared instant is not one physical instant
  const RunReport apart = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC");
  EXPECT_EQ(apart.spread_after_bound_ns, Nanoseconds{10});
  EXPECT_FALSE(apart.bounds_held.has_value());
}

TEST(BuildRunReport, BoundsAtLaterInstantsAreCheckedWhereTheClocksAreKnown) {
  std::vector<RankInputs> ranks{rank_at("a", 0, 0), rank_at("a", 0, 0)};
  for (RankInputs& r : ranks) r.bound_ns = Nanoseconds{0};
  ranks[1].bound_ns = Nanoseconds{50};
  ranks[0].at_instant.later_corrected_ns = {at_ns(1'000'000'000)};
  ranks[1].at_instant.later_corrected_ns = {at_ns(1'000'000'300)};  // 300 ns from the master 1 s later
  ranks[0].later_bound_ns = {Nanoseconds{0}};
  ranks[1].later_bound_ns = {Nanoseconds{400}};
  const std::vector<Nanoseconds> later{Nanoseconds{1'000'000'000}};
  RunReport report = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC", later);
  EXPECT_TRUE(*report.bounds_held);
  EXPECT_EQ(report.spread_later_bound_ns, (std::vector<std::optional<Nanoseconds>>{Nanoseconds{400}}));
  ranks[1].later_bound_ns = {Nanoseconds{299}};  // exact values: no read window to allow
  report = build_run_report(RunParameters{}, ranks, {}, "CLOCK_MONOTONIC", later);
  EXPECT_FALSE(*report.bounds_held);
}

}  // namespace
}  // namespace berkeley
