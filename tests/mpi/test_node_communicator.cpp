// shared_memory_node over MPI: the ranks of a communicator that share this rank's node, in its order.
#include <gtest/gtest.h>
#include <mpi.h>

#include <boost/mpi/communicator.hpp>

#include "transport/mpi/node_communicator.hpp"

namespace berkeley {
namespace {

namespace bmpi = boost::mpi;

TEST(SharedMemoryNode, OnOneHostHoldsEveryRankInTheCommunicatorsOrder) {
  const bmpi::communicator world;
  // reversed: the node must follow the communicator's order, not the world's
  const bmpi::communicator reversed = world.split(0, world.size() - world.rank());
  const bmpi::communicator node = mpi::shared_memory_node(reversed);
  EXPECT_EQ(node.size(), world.size());  // the tests run on one host
  EXPECT_EQ(node.rank(), reversed.rank());
  int same = MPI_UNEQUAL;
  MPI_Comm_compare(node, reversed, &same);
  EXPECT_EQ(same, MPI_CONGRUENT);  // a communicator of its own, the same ranks in the same order
}

TEST(SharedMemoryNode, OfASplitHoldsOnlyThatSplitsRanks) {
  const bmpi::communicator world;
  const bmpi::communicator half = world.split(world.rank() % 2, world.rank());
  const bmpi::communicator node = mpi::shared_memory_node(half);
  EXPECT_EQ(node.size(), half.size());
  EXPECT_EQ(node.rank(), half.rank());
  EXPECT_EQ(node.size(), (world.size() + (world.rank() % 2 == 0 ? 1 : 0)) / 2);
}

}  // namespace
}  // namespace berkeley
