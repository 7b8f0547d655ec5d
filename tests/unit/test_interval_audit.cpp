// The audit's estimator (core/interval_audit.hpp): the intersection of what every exchange proves.
#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "core/interval_audit.hpp"

namespace berkeley {
namespace {

TEST(IntersectIntervals, TheIntersectionHoldsTheTruthAndIsNoWiderThanTheBestExchange) {
  // remote = local + 1000; exchanges with out/back delays (50,50), (10,200), (300,20)
  std::vector<OffsetSample> samples{{at_ns(0), at_ns(1'050), at_ns(100)},
                                    {at_ns(1'000), at_ns(2'010), at_ns(1'210)},
                                    {at_ns(2'000), at_ns(3'300), at_ns(2'320)}};
  const AuditEstimate audit = intersect_intervals(samples);
  EXPECT_TRUE(audit.consistent);
  EXPECT_LE(std::abs((audit.residual_ns - Nanoseconds{1'000}).count()), audit.uncertainty_ns.count());
  // intervals: [950,1050], [800,1010], [980,1300] → [980,1010]
  EXPECT_EQ(audit.residual_ns, Nanoseconds{995});
  EXPECT_EQ(audit.uncertainty_ns, Nanoseconds{15});
}

TEST(IntersectIntervals, AnOddWidthStillCoversBothEnds) {
  // one exchange bounds the offset to [0, 3]: the midpoint rounds down to 1, so ±2 is needed to reach 3
  const std::vector<OffsetSample> samples{{at_ns(0), at_ns(3), at_ns(3)}};
  const AuditEstimate audit = intersect_intervals(samples);
  EXPECT_EQ(audit.residual_ns, Nanoseconds{1});
  EXPECT_EQ(audit.uncertainty_ns, Nanoseconds{2});
}

TEST(IntersectIntervals, DisjointIntervalsAreFlagged) {
  std::vector<OffsetSample> samples{{at_ns(0), at_ns(1'050), at_ns(100)}, {at_ns(1'000), at_ns(9'050), at_ns(1'100)}};
  EXPECT_FALSE(intersect_intervals(samples).consistent);
}

}  // namespace
}  // namespace berkeley
