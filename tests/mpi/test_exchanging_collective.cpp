// The collective of several gather/scatter exchanges (transport/mpi/exchanging_collective.hpp).
#include <gtest/gtest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <thread>

#include "sync_claims.hpp"
#include "sync_fixtures.hpp"
#include "transport/mpi/audit.hpp"
#include "transport/mpi/instant_probe.hpp"

namespace berkeley {
namespace {

using namespace test;
namespace bmpi = boost::mpi;

// The default collective, step by step: several gather/scatter exchanges in measure(), after which rank 0
// holds every rank's finished estimate (each rank's intersection of its exchanges); the corrections follow in
// their own scatter.
TEST(CollectiveRound, SeveralExchangesGiveRankZeroFinishedEstimatesWithinTheirBounds) {
  const bmpi::communicator world;
  const MonotonicClock reference;
  const SimulatedClock clock(reference, SimulatedClockParams{offset_of_rank(world.rank()), 0.0}, reference.now());
  auto truth = [](std::size_t r) { return offset_of_rank(static_cast<int>(r)) - offset_of_rank(0); };
  const auto method = mpi::make_method(world, mpi::MethodOptions{});
  EXPECT_TRUE(method->estimates_final());
  // every rank's exchanges lie between the two barriers, which rank 0 times
  const auto before = std::chrono::steady_clock::now();
  world.barrier();
  const GroupEstimates measured = method->measure(clock);
  world.barrier();
  const auto span = std::chrono::duration_cast<Nanoseconds>(std::chrono::steady_clock::now() - before);
  GroupStep sent;  // rank 0: only the corrections are read
  if (world.rank() == 0) {
    for (const auto& e : measured)
      sent.step.corrections_ns.emplace_back(e ? -e->best.offset_ns.count() : 0);  // land on rank 0's clock
  }
  const Nanoseconds applied = method->deliver_corrections(sent);
  std::vector<std::int64_t> all_applied;
  bmpi::gather(world, applied.count(), all_applied, 0);
  if (world.rank() != 0) {
    EXPECT_TRUE(measured.empty());
    return;
  }
  ASSERT_EQ(measured.size(), static_cast<std::size_t>(world.size()));
  ASSERT_TRUE(measured[0].has_value());
  EXPECT_EQ(measured[0]->best.offset_ns, Nanoseconds{0});
  EXPECT_EQ(applied, Nanoseconds{0});
  const int default_exchanges = CollectiveExchangePolicy{}.max_exchanges;
  for (std::size_t r = 1; r < measured.size(); ++r) {
    ASSERT_TRUE(measured[r].has_value()) << "rank " << r;
    const OffsetEstimate& e = measured[r]->best;
    EXPECT_LE(std::abs((e.offset_ns - truth(r)).count()), e.uncertainty_ns.count()) << "rank " << r;
    // never settled before the third exchange, never beyond the limit
    EXPECT_GE(measured[r]->samples_used, 3) << "rank " << r;
    EXPECT_LE(measured[r]->samples_used, default_exchanges) << "rank " << r;
    // the intersection is no wider than the narrowest single exchange, + what the clocks may move against
    // each other within the round (kMaxRelativeRate of its span, rounded up) + 1 ns of rounding
    const auto moved = Nanoseconds{static_cast<std::int64_t>(kMaxRelativeRate * static_cast<double>(span.count())) + 2};
    EXPECT_LE(e.uncertainty_ns, e.round_trip_ns / 2 + moved) << "rank " << r;
    // the rank applied exactly what rank 0 sent, which put it within its bound of rank 0's clock
    EXPECT_EQ(all_applied[r], sent.step.corrections_ns[r].count()) << "rank " << r;
    EXPECT_LE(std::abs((truth(r) + Nanoseconds{all_applied[r]}).count()), e.uncertainty_ns.count()) << "rank " << r;
  }
}

}  // namespace
}  // namespace berkeley
