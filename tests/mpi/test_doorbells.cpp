// MPI tests of the doorbells pingpong ranks sleep on: every rank on rank 0's node gets its own word,
// rank 0 rings exactly that word, a ring wakes a rank asleep on it. (complete() on a doorbell: test_waiting.cpp.)
// Expectations are computed from the communicator size (all ranks of a ctest run share one host).
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "transport/mpi/doorbells.hpp"

namespace berkeley {
namespace {

namespace bmpi = boost::mpi;

// The tests about rank 0 waking another rank have nothing to check at 1 rank: they skip there, on every
// rank alike and before any collective (so no rank waits in one for a rank that skipped).
constexpr const char* kNeedsASecondRank = "needs a rank other than 0 to ring or to unwind alone (run at 1 rank)";

// A hang that fails the test itself, with a message, instead of waiting for ctest's TIMEOUT: unless
// disarmed within `limit`, prints `what` and ends this process non-zero (mpirun then ends the job). A
// watchdog thread may not call MPI (MPI_THREAD_SINGLE), hence _exit, which any launcher sees.
class HangWatchdog {
 public:
  HangWatchdog(std::chrono::seconds limit, std::string what)
      : thread_([this, limit, what = std::move(what)] {
          std::unique_lock lock(mutex_);
          if (disarmed_.wait_for(lock, limit, [this] { return done_; })) return;
          std::fprintf(stderr, "[  FAILED  ] %s (no progress within %lld s)\n", what.c_str(),
                       static_cast<long long>(limit.count()));
          std::fflush(stderr);
          _exit(3);
        }) {}
  ~HangWatchdog() { disarm(); }
  HangWatchdog(const HangWatchdog&) = delete;
  HangWatchdog& operator=(const HangWatchdog&) = delete;
  void disarm() {
    {
      const std::lock_guard lock(mutex_);
      done_ = true;
    }
    disarmed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable disarmed_;
  bool done_ = false;
  std::thread thread_;  // last: starts once the members it uses exist
};

TEST(Doorbells, RankZeroRingsEachRanksOwnWord) {
  const bmpi::communicator world;
  mpi::Doorbells doorbells(world);
  // one host: every rank shares rank 0's node (an EXPECT, not an ASSERT: returning here would leave the
  // other ranks waiting in the barriers below). At 1 rank this is the whole test: a rank alone, with
  // nobody to ring, still gets its word.
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
  // each rank sleeps with a 5 s timeout; rank 0 rings it after 50 ms. The kernel never ends a futex wait
  // before its timeout, so a rank up before 5 s was woken by the ring, however late the ring or the wake
  // came on a busy machine (only a 5 s stall could fail a working doorbell). The rank waits for the word to
  // leave 0 (a new doorbell's value), not for a value it read itself: a rank descheduled past the ring
  // would otherwise read the rung value and sleep the whole 5 s.
  const bmpi::communicator world;
  if (world.size() < 2) GTEST_SKIP() << kNeedsASecondRank;
  mpi::Doorbells doorbells(world);
  constexpr auto kRingAfter = std::chrono::milliseconds(50);
  constexpr auto kSleepTimeout = std::chrono::seconds(5);
  for (int r = 1; r < world.size(); ++r) {
    if (world.rank() == 0) {
      std::this_thread::sleep_for(kRingAfter);
      doorbells.ring(r);
    } else if (world.rank() == r) {
      constexpr std::uint32_t seen = 0;  // nobody has rung this new doorbell yet
      const auto start = std::chrono::steady_clock::now();
      while (doorbells.mine()->load() == seen && std::chrono::steady_clock::now() - start < kSleepTimeout) {
        // a spurious wake-up sleeps again
        mpi::sleep_on(*doorbells.mine(), seen, std::chrono::nanoseconds(kSleepTimeout).count());
      }
      const auto slept = std::chrono::steady_clock::now() - start;
      EXPECT_LT(slept, kSleepTimeout) << "rank " << r << ": not woken by the ring, only by the sleep's timeout";
      EXPECT_GT(doorbells.mine()->load(), seen) << "rank " << r;
    }
    MPI_Barrier(world);
  }
}

TEST(Doorbells, ARankUnwindingAloneDoesNotWaitForTheOthers) {
  // rank 1 throws while it holds doorbells; the others keep theirs. Freeing the shared window would make
  // rank 1 wait for ranks that never free theirs (in a real run: rank 1 is on its way to MPI_Abort), and
  // every rank would hang at the barrier below. That hang fails the test itself, within 10 s (a barrier
  // takes milliseconds even on a loaded, oversubscribed machine): rank 1 reports first, the others later.
  const bmpi::communicator world;
  if (world.size() < 2) GTEST_SKIP() << kNeedsASecondRank;
  auto doorbells = std::make_unique<mpi::Doorbells>(world);
  const bool unwinding_rank = world.rank() == 1;
  HangWatchdog watchdog(
      std::chrono::seconds(unwinding_rank ? 10 : 15),
      "Doorbells.ARankUnwindingAloneDoesNotWaitForTheOthers on rank " + std::to_string(world.rank()) +
          (unwinding_rank ? ": unwinding with its doorbells, this rank waited for ranks that never free theirs"
                          : ": rank 1 never reached the barrier (it waits for the others while unwinding)"));
  if (unwinding_rank) {
    try {
      const std::unique_ptr<mpi::Doorbells> held = std::move(doorbells);
      throw std::runtime_error("failure on one rank");
    } catch (const std::runtime_error&) {
    }
  } else {
    (void)doorbells.release();  // never freed here: rank 1 did not free its part either
  }
  MPI_Barrier(world);  // every rank gets here, rank 1 included: that is the test
  watchdog.disarm();
}

}  // namespace
}  // namespace berkeley
