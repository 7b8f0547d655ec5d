// The transport's typed messages: each travels whole between ranks with its Boost.MPI datatype, and an
// estimate survives its trip up the tree.
#include <gtest/gtest.h>

#include <boost/mpi/communicator.hpp>
#include <vector>

#include "transport/mpi/messages.hpp"

namespace berkeley {
namespace {

namespace bmpi = boost::mpi;

PeerEstimate estimate_of(int rank) {
  PeerEstimate e;
  e.best.offset_ns = Nanoseconds{-123'456 * (rank + 1)};
  e.best.uncertainty_ns = Nanoseconds{789 + rank};
  e.best.round_trip_ns = Nanoseconds{1'578 + 2 * rank};
  e.best.local_midpoint_ns = at_ns(9'000'000'000 + rank);
  e.median_round_trip_ns = Nanoseconds{2'000 + rank};
  e.samples_used = 8 + rank;
  e.averaged_exchanges = 3;
  e.bursts = 2;
  e.patience_ran_out = rank % 2 == 1;
  return e;
}

TEST(MemberEstimate, AnEstimateAndItsAbsenceSurviveTheMessage) {
  const PeerEstimate e = estimate_of(3);
  const auto back = mpi::peer_estimate(mpi::member_estimate(5, e));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->best.offset_ns, e.best.offset_ns);
  EXPECT_EQ(back->best.uncertainty_ns, e.best.uncertainty_ns);
  EXPECT_EQ(back->best.round_trip_ns, e.best.round_trip_ns);
  EXPECT_EQ(back->best.local_midpoint_ns, e.best.local_midpoint_ns);
  EXPECT_EQ(back->median_round_trip_ns, e.median_round_trip_ns);
  EXPECT_EQ(back->samples_used, e.samples_used);
  EXPECT_EQ(back->averaged_exchanges, e.averaged_exchanges);
  EXPECT_EQ(back->bursts, e.bursts);
  EXPECT_TRUE(back->patience_ran_out);
  EXPECT_EQ(mpi::member_estimate(5, e).world_rank, 5);
  EXPECT_FALSE(mpi::peer_estimate(mpi::member_estimate(2, std::nullopt)).has_value());
}

// every rank sends rank 0 its estimate (the odd ranks none) through MPI_Gather with the message's datatype
TEST(MemberEstimate, GatheredWithItsDatatypeEveryFieldArrives) {
  const bmpi::communicator world;
  const auto mine = mpi::member_estimate(
      world.rank(), world.rank() % 3 == 2 ? std::nullopt : std::optional(estimate_of(world.rank())));
  std::vector<mpi::MemberEstimate> all(static_cast<std::size_t>(world.size()));
  const MPI_Datatype type = mpi::datatype_of<mpi::MemberEstimate>();
  MPI_Gather(&mine, 1, type, all.data(), 1, type, 0, world);
  if (world.rank() != 0) return;
  for (int r = 0; r < world.size(); ++r) {
    const auto got = mpi::peer_estimate(all[static_cast<std::size_t>(r)]);
    EXPECT_EQ(all[static_cast<std::size_t>(r)].world_rank, r);
    if (r % 3 == 2) {
      EXPECT_FALSE(got.has_value()) << "rank " << r;
      continue;
    }
    ASSERT_TRUE(got.has_value()) << "rank " << r;
    EXPECT_EQ(got->best.offset_ns, estimate_of(r).best.offset_ns) << "rank " << r;
    EXPECT_EQ(got->best.local_midpoint_ns, estimate_of(r).best.local_midpoint_ns) << "rank " << r;
    EXPECT_EQ(got->patience_ran_out, estimate_of(r).patience_ran_out) << "rank " << r;
  }
}

// the ping-pong's two messages, each way between rank 0 and every other rank
TEST(PingMessages, CommandAndReplyArriveWhole) {
  const bmpi::communicator world;
  for (int r = 1; r < world.size(); ++r) {
    if (world.rank() == 0) {
      const mpi::PingCommand command{mpi::PingCommand::prepare, 1'000 + r};
      MPI_Send(&command, 1, mpi::datatype_of<mpi::PingCommand>(), r, 1, world);
      mpi::PingReply reply;
      MPI_Recv(&reply, 1, mpi::datatype_of<mpi::PingReply>(), r, 2, world, MPI_STATUS_IGNORE);
      EXPECT_EQ(reply.reading_ns, -7'000'000'000'000LL * r);
      EXPECT_EQ(reply.core_token, 2'000 + r);
    } else if (world.rank() == r) {
      mpi::PingCommand command;
      MPI_Recv(&command, 1, mpi::datatype_of<mpi::PingCommand>(), 0, 1, world, MPI_STATUS_IGNORE);
      EXPECT_EQ(command.what, mpi::PingCommand::prepare);
      EXPECT_EQ(command.core_token, 1'000 + r);
      const mpi::PingReply reply{-7'000'000'000'000LL * r, 2'000 + r};
      MPI_Send(&reply, 1, mpi::datatype_of<mpi::PingReply>(), 0, 2, world);
    }
  }
}

}  // namespace
}  // namespace berkeley
