// What every sync method over MPI does alike (transport/mpi/mpi_method.hpp): one typed message to every
// rank, whatever the method and however its ranks wait.
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

class Delivery : public ::testing::TestWithParam<SyncMethod> {};

TEST_P(Delivery, EveryRankReceivesItsOwnSignedRecord) {
  const bmpi::communicator world;
  mpi::MethodOptions options;
  options.method = GetParam();
  options.virtual_node_size = 2;
  const auto method = mpi::make_method(world, options);
  // a typed message of mixed fields per rank, signs alternating, distinct per rank
  auto record = [](int r) {
    return mpi::LinearCorrectionMessage{r % 2 == 0 ? -1'000 * r - 7 : 1'000 * r, 0.5 * r - 1.25, r + 1};
  };
  std::vector<mpi::LinearCorrectionMessage> all;
  for (int r = 0; r < world.size(); ++r) all.push_back(record(r));
  const std::vector<mpi::LinearCorrectionMessage> none;
  const auto got = method->deliver<mpi::LinearCorrectionMessage>(world.rank() == 0 ? all : none);
  EXPECT_EQ(got.offset_ns, record(world.rank()).offset_ns);
  EXPECT_EQ(got.rate_ppm, record(world.rank()).rate_ppm);
  EXPECT_EQ(got.anchor_ns, record(world.rank()).anchor_ns);
}

INSTANTIATE_TEST_SUITE_P(AllMethods, Delivery,
                         ::testing::Values(SyncMethod::collective, SyncMethod::pingpong, SyncMethod::tree));

// Ranks decide per node how to wait (busy with a core each, polite when oversubscribed), so in a job over
// several nodes they differ. The delivery must still be one collective that every rank joins the same way:
// here odd ranks spin and even ranks sleep, as two kinds of node would.
using MixedWaiting = EveryMethod;

TEST_P(MixedWaiting, RanksThatWaitDifferentlyStillMeetInOneDelivery) {
  mpi::SyncOptions options = EveryMethod::options();
  options.waiting = world.rank() % 2 == 1 ? mpi::Waiting::busy : mpi::Waiting::polite;
  const auto outcome = mpi::synchronize(world, clock, options);
  const auto readings = mpi::probe_shared_instant(world, clock, reference, Nanoseconds{20'000'000});
  if (world.rank() != 0) return;
  ASSERT_EQ(outcome.rounds.size(), 2U);
  test::expect_within_stated_bounds(outcome, readings);
}

INSTANTIATE_TEST_SUITE_P(PingpongAndTree, MixedWaiting, ::testing::Values(SyncMethod::pingpong, SyncMethod::tree));

}  // namespace
}  // namespace berkeley
