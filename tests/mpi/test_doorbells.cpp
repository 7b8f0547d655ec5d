// MPI tests of the doorbells pingpong ranks sleep on: every rank on rank 0's node gets its own word,
// rank 0 rings exactly that word, a ring wakes a rank asleep on it, and a completion on it gets the message. Expectations are
// computed from the communicator size (all ranks of a ctest run share one host).
#include <gtest/gtest.h>

#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <thread>

#include "transport/mpi/doorbells.hpp"
#include "transport/mpi/waiting.hpp"

namespace berkeley {
namespace {

namespace bmpi = boost::mpi;

TEST(Doorbells, RankZeroRingsEachRanksOwnWord) {
  const bmpi::communicator world;
  mpi::Doorbells doorbells(world);
  // one host: every rank shares rank 0's node (an EXPECT, not an ASSERT: returning here would leave the
  // other ranks waiting in the barriers below)
  const bool has_doorbell = doorbells.mine() != nullptr;
  EXPECT_TRUE(has_doorbell) << "rank " << world.rank();
  // rank 0 rings rank r exactly r times; each rank must see exactly its own count
  if (world.rank() == 0) {
    for (int r = 1; r < world.size(); ++r) {
      EXPECT_TRUE(doorbells.reaches(r));
      for (int k = 0; k < r; ++k) doorbells.ring(r);
    }
  }
  MPI_Barrier(world);
  if (world.rank() != 0 && has_doorbell) {
    EXPECT_EQ(doorbells.mine()->load(), static_cast<std::uint32_t>(world.rank())) << "rank " << world.rank();
  }
  MPI_Barrier(world);
}

TEST(Doorbells, TheRingIsWhatWakesASleeper) {
  // each rank sleeps with a 5 s timeout; rank 0 rings it after 20 ms: it must be up long before 5 s. The
  // rank waits for the word to leave 0 (a new doorbell's value), not for a value it read itself: a rank
  // descheduled past the ring would otherwise read the rung value and sleep the whole 5 s.
  const bmpi::communicator world;
  mpi::Doorbells doorbells(world);
  constexpr auto kRingAfter = std::chrono::milliseconds(20);
  for (int r = 1; r < world.size(); ++r) {
    if (world.rank() == 0) {
      std::this_thread::sleep_for(kRingAfter);
      doorbells.ring(r);
    } else if (world.rank() == r) {
      constexpr std::uint32_t seen = 0;  // nobody has rung this new doorbell yet
      const auto start = std::chrono::steady_clock::now();
      while (doorbells.mine()->load() == seen && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
        mpi::sleep_on(*doorbells.mine(), seen, 5'000'000'000L);  // a spurious wake-up sleeps again
      }
      const auto slept = std::chrono::steady_clock::now() - start;
      EXPECT_LT(slept, std::chrono::seconds(1)) << "rank " << r << ": not woken by the ring";
      EXPECT_GT(doorbells.mine()->load(), seen) << "rank " << r;
    }
    MPI_Barrier(world);
  }
}

// complete() on a doorbell ends with the message that was sent. (Whether the ring is what wakes it is
// TheRingIsWhatWakesASleeper's question: complete() also tests the request again every 1 ms.)
TEST(Doorbells, ACompletionOnADoorbellEndsWithTheMessage) {
  const bmpi::communicator world;
  mpi::Doorbells doorbells(world);
  std::int64_t value = -1;
  if (world.rank() == 0) {
    for (int r = 1; r < world.size(); ++r) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // rank r is asleep by now
      const std::int64_t payload = 1000 + r;
      MPI_Send(&payload, 1, MPI_INT64_T, r, 9, world);
      doorbells.ring(r);
    }
  } else {
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Irecv(&value, 1, MPI_INT64_T, 0, 9, world, &request);
    mpi::complete(request, mpi::Waiting::polite, doorbells.mine());
    EXPECT_EQ(value, 1000 + world.rank());
  }
  MPI_Barrier(world);
}

TEST(Doorbells, ARankUnwindingAloneDoesNotWaitForTheOthers) {
  // rank 1 throws while it holds doorbells; the others keep theirs. Freeing the shared window would make
  // rank 1 wait for ranks that never free theirs (in a real run: rank 1 is on its way to MPI_Abort)
  const bmpi::communicator world;
  auto doorbells = std::make_unique<mpi::Doorbells>(world);
  if (world.rank() == 1) {
    try {
      const std::unique_ptr<mpi::Doorbells> held = std::move(doorbells);
      throw std::runtime_error("failure on one rank");
    } catch (const std::runtime_error&) {
    }
  } else {
    (void)doorbells.release();  // never freed here: rank 1 did not free its part either
  }
  MPI_Barrier(world);  // every rank gets here, rank 1 included
  SUCCEED();
}

}  // namespace
}  // namespace berkeley
