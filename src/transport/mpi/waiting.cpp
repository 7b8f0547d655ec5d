#include "transport/mpi/waiting.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <ctime>

#include "transport/mpi/doorbells.hpp"
#include "transport/mpi/node_communicator.hpp"

namespace berkeley::mpi {
namespace {
// How long a rank that is not being measured sleeps between polls. On an oversubscribed node the
// ranks that spin while waiting for their turn take the cores from the pair being measured, and their
// scheduling lands inside its round trips (measured on 2 cores, np 8: spread 2-6 µs spinning,
// 0.1-0.3 µs sleeping 100 µs; 5 µs sleeps wake so often that the churn itself disturbs the pair).
constexpr timespec kPoliteSleep{0, 100'000};
// The rank next in line polls faster, so the hand-over from one rank to the next is short; 5 µs polls
// disturbed the pair being measured (np 4 spread 1.4 µs), 20 µs did not (0.14-0.33 µs, sync time halved).
constexpr timespec kAlertSleep{0, 20'000};
constexpr unsigned long kTimerSlackNs = 1'000;
// On a doorbell the ring is what wakes a rank; the timeout is only a safety net.
constexpr long kDoorbellTimeoutNs = 1'000'000;
}  // namespace

Waiting waiting_for_this_node(const boost::mpi::communicator& comm) {
  const int ranks_here = shared_memory_node(comm).size();
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores > 0 && ranks_here > cores ? Waiting::polite : Waiting::busy;
}

void complete(MPI_Request& request, Waiting waiting, std::atomic<std::uint32_t>* doorbell) {
  if (waiting == Waiting::busy) {
    MPI_Wait(&request, MPI_STATUS_IGNORE);
    return;
  }
  int done = 0;
  if (doorbell != nullptr) {
    for (;;) {
      const std::uint32_t seen = doorbell->load(std::memory_order_acquire);  // before the test: no lost ring
      MPI_Test(&request, &done, MPI_STATUS_IGNORE);
      if (done != 0) return;
      sleep_on(*doorbell, seen, kDoorbellTimeoutNs);
    }
  }
  prctl(PR_SET_TIMERSLACK, kTimerSlackNs);  // this process only: short sleeps stay short
  MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  while (done == 0) {
    nanosleep(waiting == Waiting::alert ? &kAlertSleep : &kPoliteSleep, nullptr);
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  }
}

}  // namespace berkeley::mpi
