// The ping-pong channel over MPI (transport/mpi/mpi_group_channel.hpp): rank 0 exchanges with one member at a
// time while the others answer in answer_pingpong until released. Every rank's clock is simulated on the shared
// CLOCK_MONOTONIC with a drawn offset, so each sample's interval [t_remote - t_recv, t_remote - t_send] must hold
// the member's true offset exactly: rank 0 reads before the ping and after the reply, the member in between.
// A reply from the wrong member (or a stale one) lands far outside it: the drawn offsets are up to 1 s apart.
#include <gtest/gtest.h>

#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <optional>
#include <vector>

#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "sync_fixtures.hpp"
#include "transport/mpi/doorbells.hpp"
#include "transport/mpi/mpi_group_channel.hpp"
#include "transport/mpi/waiting.hpp"

namespace berkeley {
namespace {

using test::kSecond;
namespace bmpi = boost::mpi;
using test::offset_of_rank;

class PingpongChannel : public ::testing::Test, protected test::DrawnClocks {
 protected:
  const mpi::Waiting waiting = mpi::waiting_for_this_node(world);
};

// rank 0: the sample is ordered on rank 0's clock and its interval holds `truth` (member - master)
void expect_brackets(const std::optional<OffsetSample>& sample, Nanoseconds truth, int member) {
  ASSERT_TRUE(sample.has_value()) << "member " << member << ": no sample over MPI";
  EXPECT_LE(sample->t_send_ns, sample->t_recv_ns) << "member " << member;
  EXPECT_LE(sample->t_remote_ns - sample->t_recv_ns, truth) << "member " << member;
  EXPECT_GE(sample->t_remote_ns - sample->t_send_ns, truth) << "member " << member;
}

TEST_F(PingpongChannel, EveryExchangeBracketsTheMembersTrueOffset) {
  constexpr int kExchanges = 5;
  if (world.rank() != 0) {
    mpi::answer_pingpong(world, local, waiting);
    return;
  }
  mpi::MpiGroupChannel channel(world, local);
  EXPECT_EQ(channel.size(), world.size());
  for (int member = 1; member < world.size(); ++member) {
    for (int i = 0; i < kExchanges; ++i) {
      expect_brackets(channel.exchange(member), offset_of_rank(member) - offset_of_rank(0), member);
    }
    channel.release(member);
  }
}

// As the measurement does it (sync/measure.cpp): the next member is told to get ready while this one is
// measured. A prepared member still answers every ping, and the right one answers.
TEST_F(PingpongChannel, APreparedMemberAnswersWhenItsTurnComes) {
  if (world.rank() != 0) {
    mpi::answer_pingpong(world, local, waiting);
    return;
  }
  mpi::MpiGroupChannel channel(world, local);
  if (channel.size() > 1) channel.prepare(1);
  for (int member = 1; member < channel.size(); ++member) {
    if (member + 1 < channel.size()) channel.prepare(member + 1);
    for (int i = 0; i < 3; ++i) {
      expect_brackets(channel.exchange(member), offset_of_rank(member) - offset_of_rank(0), member);
    }
    channel.release(member);
  }
}

// A member released before any ping (prepared first or not) stops answering and returns; nothing of it is
// left behind: the exchanges that follow, with every member, hold the truth.
TEST_F(PingpongChannel, AMemberReleasedWithoutAPingReturnsAndLeavesNothingBehind) {
  if (world.rank() != 0) {
    mpi::answer_pingpong(world, local, waiting);  // released at once
    mpi::answer_pingpong(world, local, waiting);  // then measured
    return;
  }
  mpi::MpiGroupChannel channel(world, local);
  for (int member = 1; member < world.size(); ++member) {
    if (member % 2 == 1) channel.prepare(member);
    channel.release(member);
  }
  for (int member = 1; member < world.size(); ++member) {
    expect_brackets(channel.exchange(member), offset_of_rank(member) - offset_of_rank(0), member);
    expect_brackets(channel.exchange(member), offset_of_rank(member) - offset_of_rank(0), member);
    channel.release(member);
  }
}

// A channel built without a clock times its exchanges on the one use() gives it, and on a new one from the
// next use() on: rank 0's clock 5 s later moves every interval 5 s down.
TEST_F(PingpongChannel, ItTimesTheExchangesOnTheClockUseGaveIt) {
  if (world.rank() != 0) {
    mpi::answer_pingpong(world, local, waiting);
    mpi::answer_pingpong(world, local, waiting);
    return;
  }
  const SimulatedClock later(reference, SimulatedClockParams{offset_of_rank(0) + 5 * kSecond, 0.0}, reference.now());
  mpi::MpiGroupChannel channel(world);
  channel.use(local);
  for (int member = 1; member < world.size(); ++member) {
    expect_brackets(channel.exchange(member), offset_of_rank(member) - offset_of_rank(0), member);
    channel.release(member);
  }
  channel.use(later);
  for (int member = 1; member < world.size(); ++member) {
    expect_brackets(channel.exchange(member), offset_of_rank(member) - offset_of_rank(0) - 5 * kSecond, member);
    channel.release(member);
  }
}

// The channel keeps its own handle of the communicator: built from a temporary duplicate of the world (freed
// when the constructor returns, were it not kept), it still reaches the members answering on that duplicate.
TEST_F(PingpongChannel, ItOutlivesTheTemporaryCommunicatorItWasBuiltFrom) {
  if (world.rank() != 0) {
    const bmpi::communicator duplicate(world, bmpi::comm_duplicate);
    mpi::answer_pingpong(duplicate, local, waiting);
    return;
  }
  mpi::MpiGroupChannel channel(bmpi::communicator(world, bmpi::comm_duplicate), local);
  EXPECT_EQ(channel.size(), world.size());
  for (int member = 1; member < channel.size(); ++member) {
    expect_brackets(channel.exchange(member), offset_of_rank(member) - offset_of_rank(0), member);
    channel.release(member);
  }
}

// Members asleep on their doorbells (polite waiting) are woken by the ring that goes with their first ping
// (prepare() leaves a member with a doorbell to it), and every exchange holds the truth, the first one, taken
// while the member wakes, included.
TEST_F(PingpongChannel, MembersAsleepOnTheirDoorbellsAreWokenByTheFirstPing) {
  mpi::Doorbells doorbells(world);
  if (world.rank() != 0) {
    mpi::answer_pingpong(world, local, mpi::Waiting::polite, doorbells.mine());
  } else {
    mpi::MpiGroupChannel channel(world, local);
    channel.use(&doorbells);
    if (channel.size() > 1) channel.prepare(1);
    for (int member = 1; member < channel.size(); ++member) {
      if (member + 1 < channel.size()) channel.prepare(member + 1);
      for (int i = 0; i < 3; ++i) {
        expect_brackets(channel.exchange(member), offset_of_rank(member) - offset_of_rank(0), member);
      }
      channel.release(member);
    }
  }
  MPI_Barrier(world);  // every rank frees the doorbells together
}

}  // namespace
}  // namespace berkeley
