// The independent audit over MPI (transport/mpi/audit.hpp): rank 0 re-measures every rank's clock (the one
// passed in: corrected or not) with the interval intersection and gets one estimate per rank, its own exactly
// 0; the other ranks get nothing. Every rank's clock is simulated on the shared CLOCK_MONOTONIC with a drawn
// offset, so the truth is exact: each interval must hold it, however slow the machine (a slow exchange only
// widens the interval). Expectations follow from the communicator's size: they hold at any rank count.
#include <gtest/gtest.h>

#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "clock/corrected_clock.hpp"
#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "support/backwards_clock.hpp"
#include "sync_fixtures.hpp"
#include "transport/mpi/audit.hpp"

namespace berkeley {
namespace {

namespace bmpi = boost::mpi;
using test::offset_of_rank;

class Audit : public ::testing::Test, protected test::DrawnClocks {};

// rank 0: the audit of `rank` holds `truth` (remote - master, exact for simulated clocks) and is consistent
void expect_holds(const AuditEstimate& audit, Nanoseconds truth, int rank, int exchanges) {
  EXPECT_LE(std::abs((audit.residual_ns - truth).count()), audit.uncertainty_ns.count())
      << "rank " << rank << ": audit " << audit.residual_ns.count() << " +- " << audit.uncertainty_ns.count()
      << " ns, truth " << truth.count() << " ns";
  EXPECT_TRUE(audit.consistent) << "rank " << rank;
  EXPECT_EQ(audit.samples, exchanges) << "rank " << rank;
}

TEST_F(Audit, RankZeroGetsOneEstimateHoldingEachRanksTrueOffsetTheOthersNone) {
  constexpr int kExchanges = 8;
  const auto audits = mpi::audit_offsets(world, local, kExchanges);
  if (world.rank() != 0) {
    EXPECT_TRUE(audits.empty()) << "rank " << world.rank();
    return;
  }
  ASSERT_EQ(audits.size(), static_cast<std::size_t>(world.size()));
  // its own: exactly 0, nothing uncertain
  EXPECT_EQ(audits[0].residual_ns, Nanoseconds{0});
  EXPECT_EQ(audits[0].uncertainty_ns, Nanoseconds{0});
  EXPECT_TRUE(audits[0].consistent);
  for (int r = 1; r < world.size(); ++r) {
    expect_holds(audits[static_cast<std::size_t>(r)], offset_of_rank(r) - offset_of_rank(0), r, kExchanges);
  }
}

// The audit measures the clock it is given: corrected clocks (each rank moved by its own step) are audited
// as corrected, not as the raw clocks beneath them. One exchange per rank is enough for an interval.
TEST_F(Audit, ItMeasuresTheCorrectedClockItIsGiven) {
  CorrectedClock corrected(local);
  // every rank lands 1 us times its rank after rank 0, with alternating signs (rank 0 is left where it is)
  auto landing = [](int r) { return Nanoseconds{(r % 2 == 0 ? -1'000 : 1'000) * r}; };
  corrected.apply(landing(world.rank()) - (offset_of_rank(world.rank()) - offset_of_rank(0)));
  const auto audits = mpi::audit_offsets(world, corrected, 1);
  if (world.rank() != 0) return;
  ASSERT_EQ(audits.size(), static_cast<std::size_t>(world.size()));
  for (int r = 1; r < world.size(); ++r) expect_holds(audits[static_cast<std::size_t>(r)], landing(r), r, 1);
}

// Two audits back to back on the same clocks: the second's exchanges are not answered with what is left of
// the first (every reply is matched to its own ping), so both hold the truth.
TEST_F(Audit, BackToBackAuditsBothHoldTheTruth) {
  const auto first = mpi::audit_offsets(world, local, 3);
  const auto second = mpi::audit_offsets(world, local, 5);
  if (world.rank() != 0) return;
  ASSERT_EQ(first.size(), static_cast<std::size_t>(world.size()));
  ASSERT_EQ(second.size(), static_cast<std::size_t>(world.size()));
  for (int r = 1; r < world.size(); ++r) {
    const Nanoseconds truth = offset_of_rank(r) - offset_of_rank(0);
    expect_holds(first[static_cast<std::size_t>(r)], truth, r, 3);
    expect_holds(second[static_cast<std::size_t>(r)], truth, r, 5);
  }
}

// Over a split of the world (even and odd ranks), each half's rank 0 audits its own half, in the half's order.
TEST_F(Audit, OverASplitEachHalfsFirstRankAuditsItsOwnHalf) {
  const int color = world.rank() % 2;
  const bmpi::communicator half = world.split(color, world.rank());
  const auto audits = mpi::audit_offsets(half, local, 4);
  if (half.rank() != 0) {
    EXPECT_TRUE(audits.empty());
    return;
  }
  EXPECT_EQ(world.rank(), color);  // the half's first rank
  ASSERT_EQ(audits.size(), static_cast<std::size_t>(half.size()));
  EXPECT_EQ(half.size(), (world.size() + (color == 0 ? 1 : 0)) / 2);
  for (int k = 1; k < half.size(); ++k) {
    const int world_rank = 2 * k + color;
    expect_holds(audits[static_cast<std::size_t>(k)], offset_of_rank(world_rank) - offset_of_rank(color), world_rank,
                 4);
  }
}

// A clock that runs backwards (each reading 1 ms before the last) while rank 0's runs forwards: each exchange's
// interval lies wholly below the one before, whatever the round trips, so the intervals cannot intersect and
// the audit must say so. The other ranks stay consistent.
using testing_support::BackwardsClock;

TEST_F(Audit, AClockThatStepsBackMidAuditIsFlaggedInconsistent) {
  const int backwards = world.size() - 1;
  const BackwardsClock runs_back;
  const bool mine_runs_back = world.rank() != 0 && world.rank() == backwards;
  const auto audits = mpi::audit_offsets(world, mine_runs_back ? static_cast<const Clock&>(runs_back) : local, 4);
  if (world.rank() != 0) return;
  ASSERT_EQ(audits.size(), static_cast<std::size_t>(world.size()));
  for (int r = 1; r < world.size(); ++r) {
    const AuditEstimate& audit = audits[static_cast<std::size_t>(r)];
    if (r == backwards) {
      EXPECT_FALSE(audit.consistent) << "rank " << r << ": disjoint intervals reported as consistent";
      EXPECT_EQ(audit.samples, 4);
    } else {
      expect_holds(audit, offset_of_rank(r) - offset_of_rank(0), r, 4);
    }
  }
}

}  // namespace
}  // namespace berkeley
