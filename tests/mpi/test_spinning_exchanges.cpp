// What the pair being measured does about its cores (transport/mpi/spinning_exchanges.hpp): where it runs (a
// token equal only for one core of one machine), moving off a core and sleeping off it with every allowed core
// given back after, completing a request however late its message comes, and Open MPI's yielding turned off for
// the exchanges and restored after. Scheduling is not deterministic, so these tests pin the processes where a
// result depends on where they run, and otherwise assert only what the code promises whatever the scheduler does.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <mpi.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "transport/mpi/spinning_exchanges.hpp"

namespace berkeley {
namespace {

namespace bmpi = boost::mpi;

cpu_set_t allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  EXPECT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  return set;
}

std::vector<int> cpus_in(const cpu_set_t& set) {
  std::vector<int> cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

// Pins this thread to the given CPUs for its lifetime, then allows what was allowed before.
class Pinned {
 public:
  explicit Pinned(const std::vector<int>& cpus) : before_(allowed_cpus()) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (const int cpu : cpus) CPU_SET(cpu, &set);
    EXPECT_EQ(sched_setaffinity(0, sizeof set, &set), 0);
  }
  ~Pinned() { (void)sched_setaffinity(0, sizeof before_, &before_); }
  Pinned(const Pinned&) = delete;
  Pinned& operator=(const Pinned&) = delete;

 private:
  cpu_set_t before_;
};

// Every rank pinned to one CPU of those it may use (the (r mod n)th: the launcher may have bound each rank to
// a core of its own already): a token names that CPU in its low 16 bits, and two ranks' tokens are equal
// exactly when they are pinned to the same CPU (one machine: the kernel part is the same for all).
TEST(CoreToken, NamesTheCoreAndIsEqualExactlyForRanksOnOneCore) {
  const bmpi::communicator world;
  const std::vector<int> cpus = cpus_in(allowed_cpus());
  ASSERT_FALSE(cpus.empty());
  const int cpu = cpus[static_cast<std::size_t>(world.rank()) % cpus.size()];
  std::int64_t token = 0;
  {
    const Pinned pinned({cpu});
    token = mpi::current_core_token();
    EXPECT_EQ(token & 0xFFFF, cpu) << "rank " << world.rank();
    EXPECT_EQ(mpi::current_core_token(), token) << "rank " << world.rank() << ": pinned, yet the token moved";
  }
  EXPECT_GE(token, 0);
  std::vector<std::int64_t> tokens;
  std::vector<int> pinned_to;
  bmpi::gather(world, token, tokens, 0);
  bmpi::gather(world, cpu, pinned_to, 0);
  if (world.rank() != 0) return;
  for (std::size_t r = 0; r < tokens.size(); ++r) {
    EXPECT_EQ(tokens[r] >> 16, tokens[0] >> 16) << "rank " << r << ": another kernel?";
    for (std::size_t s = 0; s < tokens.size(); ++s) {
      EXPECT_EQ(tokens[r] == tokens[s], pinned_to[r] == pinned_to[s]) << "ranks " << r << " and " << s;
    }
  }
}

TEST(MoveOffThisCore, GivesBackEveryCoreAllowedBefore) {
  const std::vector<int> cpus = cpus_in(allowed_cpus());
  if (cpus.size() < 2) GTEST_SKIP() << "one CPU: nowhere to move to";  // every rank alike: one machine
  const Pinned pinned({cpus[0], cpus[1]});
  const cpu_set_t before = allowed_cpus();
  mpi::move_off_this_core();
  const cpu_set_t after = allowed_cpus();
  EXPECT_TRUE(CPU_EQUAL(&before, &after)) << "the cores allowed before are not all allowed again";
}

TEST(MoveOffThisCore, WithOneCoreAllowedStaysWhereItIs) {
  const std::vector<int> cpus = cpus_in(allowed_cpus());
  ASSERT_FALSE(cpus.empty());
  const Pinned pinned({cpus.back()});
  mpi::move_off_this_core();
  EXPECT_EQ(sched_getcpu(), cpus.back());
  const cpu_set_t after = allowed_cpus();
  EXPECT_EQ(CPU_COUNT(&after), 1);
  EXPECT_TRUE(CPU_ISSET(cpus.back(), &after));
}

// While it sleeps, the process is barred from exactly one of its cores (the one it ran on), seen from another
// thread; after, every core is allowed again, and it slept at least as long as asked.
TEST(SleepElsewhere, SleepsBarredFromOneCoreThenGivesEveryCoreBack) {
  const cpu_set_t before = allowed_cpus();
  if (CPU_COUNT(&before) < 2) GTEST_SKIP() << "one CPU: nowhere to sleep but here";
  const pid_t sleeper = gettid();
  std::atomic<bool> done{false};
  cpu_set_t seen_barred;
  CPU_ZERO(&seen_barred);
  bool saw_barred = false;
  std::thread watcher([&] {
    while (!done.load()) {
      cpu_set_t now;
      CPU_ZERO(&now);
      if (sched_getaffinity(sleeper, sizeof now, &now) == 0 && !CPU_EQUAL(&now, &before)) {
        seen_barred = now;
        saw_barred = true;
      }
      std::this_thread::yield();
    }
  });
  constexpr auto kPause = std::chrono::milliseconds(500);
  const auto start = std::chrono::steady_clock::now();
  mpi::sleep_elsewhere(kPause);
  const auto slept = std::chrono::steady_clock::now() - start;
  done.store(true);
  watcher.join();
  EXPECT_GE(slept, kPause);
  const cpu_set_t after = allowed_cpus();
  EXPECT_TRUE(CPU_EQUAL(&before, &after)) << "the cores allowed before are not all allowed again";
  ASSERT_TRUE(saw_barred) << "the sleeper was never seen barred from a core (in " << kPause.count() << " ms)";
  EXPECT_EQ(CPU_COUNT(&seen_barred), CPU_COUNT(&before) - 1);
  cpu_set_t kept;
  CPU_AND(&kept, &seen_barred, &before);
  EXPECT_TRUE(CPU_EQUAL(&kept, &seen_barred)) << "barred, it was allowed a core it did not have";
}

TEST(SleepElsewhere, WithOneCoreAllowedStillSleeps) {
  const std::vector<int> cpus = cpus_in(allowed_cpus());
  ASSERT_FALSE(cpus.empty());
  const Pinned pinned({cpus.front()});
  constexpr auto kPause = std::chrono::milliseconds(20);
  const auto start = std::chrono::steady_clock::now();
  mpi::sleep_elsewhere(kPause);
  EXPECT_GE(std::chrono::steady_clock::now() - start, kPause);
  const cpu_set_t after = allowed_cpus();
  EXPECT_EQ(CPU_COUNT(&after), 1);
}

// Each rank receives from the rank before it in a ring (itself, alone) what that rank sent: its own rank number.
TEST(WaitSpinning, CompletesTheRequestWithItsMessage) {
  const bmpi::communicator world;
  const int from = (world.rank() + world.size() - 1) % world.size();
  const int to = (world.rank() + 1) % world.size();
  std::int64_t got = -1;
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Irecv(&got, 1, MPI_INT64_T, from, 21, world, &request);
  const std::int64_t mine = 100 + world.rank();
  MPI_Send(&mine, 1, MPI_INT64_T, to, 21, world);
  mpi::wait_spinning(request);
  EXPECT_EQ(got, 100 + from);
  EXPECT_EQ(request, MPI_REQUEST_NULL);
  // a request already complete (null) returns at once
  mpi::wait_spinning(request);
  EXPECT_EQ(request, MPI_REQUEST_NULL);
  MPI_Barrier(world);
}

// A message that comes long after the spinning stretch (rank 0 spins 5 ms after learning the member waits):
// the member's wait goes on, yielding, until it has it.
TEST(WaitSpinning, AMessageThatComesLateStillCompletesIt) {
  const bmpi::communicator world;
  if (world.rank() == 0) {
    for (int member = 1; member < world.size(); ++member) {
      std::int64_t ready = 0;
      MPI_Recv(&ready, 1, MPI_INT64_T, member, 22, world, MPI_STATUS_IGNORE);
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(5);
      while (std::chrono::steady_clock::now() < until) {
      }
      const std::int64_t payload = 7'000 + member;
      MPI_Send(&payload, 1, MPI_INT64_T, member, 23, world);
    }
  } else {
    std::int64_t got = -1;
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Irecv(&got, 1, MPI_INT64_T, 0, 23, world, &request);
    const std::int64_t ready = 1;
    MPI_Send(&ready, 1, MPI_INT64_T, 0, 22, world);
    mpi::wait_spinning(request);
    EXPECT_EQ(got, 7'000 + world.rank());
  }
  MPI_Barrier(world);
}

// Open MPI's own switch, found as the code under test finds it; elsewhere (MPICH) SpinningExchanges changes
// nothing and there is nothing to check.
using SetYield = bool (*)(bool);

TEST(SpinningExchanges, TurnsYieldingOffForItsLifetimeAndRestoresWhatWasSetBefore) {
  const auto set = reinterpret_cast<SetYield>(dlsym(RTLD_DEFAULT, "opal_progress_set_yield_when_idle"));  // NOLINT
  const auto* yielding = static_cast<const bool*>(dlsym(RTLD_DEFAULT, "opal_progress_yield_when_idle"));
  if (set == nullptr || yielding == nullptr) GTEST_SKIP() << "not Open MPI: no yield switch to check";
  const bool original = set(true);
  {
    const mpi::SpinningExchanges spinning;
    EXPECT_FALSE(*yielding) << "still yielding inside the exchanges";
  }
  EXPECT_TRUE(*yielding) << "yielding was not restored";
  (void)set(false);
  {
    const mpi::SpinningExchanges spinning;
    EXPECT_FALSE(*yielding);
  }
  EXPECT_FALSE(*yielding) << "yielding turned on where it was off before";
  (void)set(original);
}

}  // namespace
}  // namespace berkeley
