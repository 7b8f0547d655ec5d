#pragma once
// One small run's report, as the writers' tests lay it out.
#include "report/run_report.hpp"

namespace berkeley::test {

inline RunReport sample_report() {
  RunReport report;
  report.parameters.ranks = 2;
  report.parameters.rounds = 1;
  report.parameters.seed = 7;
  report.parameters.clock = "simulated";
  report.truth_measured = true;
  report.truth_reference = "CLOCK_MONOTONIC";
  report.spread_before_ns = Nanoseconds{123'456'789};
  report.spread_after_ns = Nanoseconds{21'000};
  RankReport r;
  r.rank = 1;
  r.host = "node7";
  r.clock_before_ns = at_ns(5'123'456'789);
  r.offset_before_ns = Nanoseconds{-123'456'789};
  r.correction_ns = Nanoseconds{123'450'000};
  r.residual_ns = Nanoseconds{-1'500};
  r.excluded = true;
  report.ranks.push_back(r);
  return report;
}

}  // namespace berkeley::test
