// How a rank waits (transport/mpi/waiting.hpp): the choice per node (polite only where the node runs more
// ranks than it has cores, counted over the communicator given), and complete() ending with the message that
// was sent in every way of waiting: busy, polite, alert, and asleep on a doorbell, rung or not. The messages
// come late on purpose (rank 0 spins a while after the member says it waits), so the polite loops really sleep;
// the assertions are on what arrives, never on how long it took.
#include <gtest/gtest.h>
#include <mpi.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "transport/mpi/doorbells.hpp"
#include "transport/mpi/waiting.hpp"

namespace berkeley {
namespace {

namespace bmpi = boost::mpi;

// at 1 rank there is nobody to send or ring: such tests skip on every rank alike, before any collective
constexpr const char* kNeedsASecondRank = "needs a rank other than 0 to send or to ring (run at 1 rank)";

mpi::Waiting expected_for(int ranks_on_node) {
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores > 0 && ranks_on_node > cores ? mpi::Waiting::polite : mpi::Waiting::busy;
}

// All ranks of a test run share one node: the world's size decides.
TEST(WaitingForThisNode, IsPoliteOnlyWhereTheNodeRunsMoreRanksThanCores) {
  const bmpi::communicator world;
  EXPECT_EQ(mpi::waiting_for_this_node(world), expected_for(world.size())) << "at " << world.size() << " ranks";
}

// The ranks counted are the communicator's, not the world's: each half of a split counts only its own.
TEST(WaitingForThisNode, CountsTheRanksOfTheCommunicatorGiven) {
  const bmpi::communicator world;
  const bmpi::communicator half = world.split(world.rank() % 2, world.rank());
  EXPECT_EQ(mpi::waiting_for_this_node(half), expected_for(half.size())) << "a half of " << half.size() << " ranks";
}

// Rank 0 sends each member its payload (1000 + its rank) after the member says its receive is posted, spinning
// `late_by` first; with `ring`, rings the member's doorbell after the send.
void send_late(const bmpi::communicator& world, std::chrono::microseconds late_by, mpi::Doorbells* ring = nullptr) {
  for (int member = 1; member < world.size(); ++member) {
    std::int64_t ready = 0;
    MPI_Recv(&ready, 1, MPI_INT64_T, member, 30, world, MPI_STATUS_IGNORE);
    const auto until = std::chrono::steady_clock::now() + late_by;
    while (std::chrono::steady_clock::now() < until) {
    }
    const std::int64_t payload = 1000 + member;
    MPI_Send(&payload, 1, MPI_INT64_T, member, 31, world);
    if (ring != nullptr) ring->ring(member);
  }
}

// A member: posts its receive, tells rank 0, completes it as told; returns what arrived (the request must be
// done: null).
std::int64_t receive_late(const bmpi::communicator& world, mpi::Waiting waiting,
                          std::atomic<std::uint32_t>* doorbell = nullptr) {
  std::int64_t got = -1;
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Irecv(&got, 1, MPI_INT64_T, 0, 31, world, &request);
  const std::int64_t ready = 1;
  MPI_Send(&ready, 1, MPI_INT64_T, 0, 30, world);
  mpi::complete(request, waiting, doorbell);
  EXPECT_EQ(request, MPI_REQUEST_NULL) << "rank " << world.rank();
  return got;
}

class Complete : public ::testing::TestWithParam<mpi::Waiting> {};

TEST_P(Complete, EndsWithTheMessageThatWasSent) {
  const bmpi::communicator world;
  if (world.size() < 2) GTEST_SKIP() << kNeedsASecondRank;
  if (world.rank() == 0) {
    send_late(world, std::chrono::microseconds(2'000));
  } else {
    EXPECT_EQ(receive_late(world, GetParam()), 1000 + world.rank());
  }
  MPI_Barrier(world);
}

// A request that is already complete (null) returns at once, however the rank waits, doorbell or not.
TEST_P(Complete, ANullRequestReturnsAtOnce) {
  std::atomic<std::uint32_t> doorbell{0};
  MPI_Request request = MPI_REQUEST_NULL;
  mpi::complete(request, GetParam());
  mpi::complete(request, GetParam(), &doorbell);
  EXPECT_EQ(request, MPI_REQUEST_NULL);
}

INSTANTIATE_TEST_SUITE_P(EveryWaiting, Complete,
                         ::testing::Values(mpi::Waiting::busy, mpi::Waiting::polite, mpi::Waiting::alert),
                         [](const ::testing::TestParamInfo<mpi::Waiting>& param_info) {
                           switch (param_info.param) {
                             case mpi::Waiting::busy:
                               return std::string("busy");
                             case mpi::Waiting::polite:
                               return std::string("polite");
                             case mpi::Waiting::alert:
                               return std::string("alert");
                           }
                           return std::string("unknown");
                         });

// complete() on a doorbell ends with the message that was sent. (Whether the ring is what wakes it is
// TheRingIsWhatWakesASleeper's question, in test_doorbells.cpp: complete() also tests the request again
// every 1 ms.)
TEST(CompleteOnADoorbell, EndsWithTheMessageThatWasRung) {
  const bmpi::communicator world;
  if (world.size() < 2) GTEST_SKIP() << kNeedsASecondRank;
  mpi::Doorbells doorbells(world);
  if (world.rank() == 0) {
    send_late(world, std::chrono::microseconds(5'000), &doorbells);
  } else {
    EXPECT_EQ(receive_late(world, mpi::Waiting::polite, doorbells.mine()), 1000 + world.rank());
  }
  MPI_Barrier(world);
}

// A message whose ring never comes (a sender that does not ring) still completes the wait: the doorbell's
// sleep is bounded, and the request is tested again after each.
TEST(CompleteOnADoorbell, AMessageWithoutARingStillEndsTheWait) {
  const bmpi::communicator world;
  if (world.size() < 2) GTEST_SKIP() << kNeedsASecondRank;
  mpi::Doorbells doorbells(world);
  if (world.rank() == 0) {
    send_late(world, std::chrono::microseconds(5'000));
  } else {
    EXPECT_EQ(receive_late(world, mpi::Waiting::polite, doorbells.mine()), 1000 + world.rank());
  }
  MPI_Barrier(world);
}

// A polite wait asks the kernel for short sleeps to stay short (timer slack of 1 us, this thread only); a busy
// wait does not sleep and leaves the slack alone.
TEST(CompletePolitely, SetsATimerSlackOfOneMicrosecond) {
  const int original = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
  ASSERT_GE(original, 0);
  ASSERT_EQ(prctl(PR_SET_TIMERSLACK, 50'000UL, 0, 0, 0), 0);
  MPI_Request request = MPI_REQUEST_NULL;
  mpi::complete(request, mpi::Waiting::busy);
  EXPECT_EQ(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 50'000);
  mpi::complete(request, mpi::Waiting::polite);
  EXPECT_EQ(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 1'000);
  ASSERT_EQ(prctl(PR_SET_TIMERSLACK, 50'000UL, 0, 0, 0), 0);
  mpi::complete(request, mpi::Waiting::alert);
  EXPECT_EQ(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 1'000);
  (void)prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(original), 0, 0, 0);
}

}  // namespace
}  // namespace berkeley
