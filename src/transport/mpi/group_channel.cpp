#include "transport/mpi/group_channel.hpp"

#include <boost/mpi/collectives.hpp>
#include <sys/prctl.h>

#include <cstdint>
#include <ctime>
#include <unistd.h>
#include <vector>

namespace berkeley::mpi {

namespace bmpi = boost::mpi;
namespace {
// How long a rank that is not being measured sleeps between polls. On an oversubscribed node the
// ranks that spin while waiting for their turn take the cores from the pair being measured, and their
// scheduling lands inside its round trips (measured on 2 cores, np 8: spread 2-6 µs spinning,
// 0.1-0.3 µs sleeping 100 µs; shorter sleeps wake so often that the churn itself disturbs the pair).
constexpr timespec kPoliteSleep{0, 100'000};
constexpr unsigned long kTimerSlackNs = 1'000;

void wait_politely(MPI_Request& request) {
  prctl(PR_SET_TIMERSLACK, kTimerSlackNs);  // this process only: short sleeps stay short
  int done = 0;
  MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  while (done == 0) {
    nanosleep(&kPoliteSleep, nullptr);
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  }
}

constexpr int kMaster = 0;
constexpr int kTagCommand = 101;
constexpr int kTagReading = 102;
constexpr std::int32_t kPing = 1;
constexpr std::int32_t kRelease = 0;
}  // namespace

std::optional<OffsetSample> MpiGroupChannel::exchange(int member) {
  std::int64_t reading = 0;
  const ClockReading t_send = clock_.now();
  comm_.send(member, kTagCommand, kPing);
  comm_.recv(member, kTagReading, reading);
  const ClockReading t_recv = clock_.now();
  return OffsetSample{t_send, Nanoseconds{reading}, t_recv};
}

void MpiGroupChannel::release(int member) { comm_.send(member, kTagCommand, kRelease); }

CollectiveReadings MpiGroupChannel::request_all() {
  std::int32_t request = kPing;
  CollectiveReadings got;
  got.t_send_ns = clock_.now();
  bmpi::broadcast(comm_, request, kMaster);
  std::vector<std::int64_t> readings;
  bmpi::gather(comm_, got.t_send_ns.count(), readings, kMaster);
  got.t_recv_ns = clock_.now();
  got.readings_ns.reserve(readings.size());
  for (const std::int64_t r : readings) got.readings_ns.emplace_back(Nanoseconds{r});
  return got;
}

void answer_collective(const bmpi::communicator& comm, const Clock& clock) {
  std::int32_t request = 0;
  bmpi::broadcast(comm, request, kMaster);
  const std::int64_t reading = clock.now().count();
  bmpi::gather(comm, reading, kMaster);
}

void answer_pingpong(const bmpi::communicator& comm, const Clock& clock, Waiting waiting) {
  // until the master turns to this rank, wait (politely: without holding a core); then answer at full speed
  std::int32_t command = kRelease;
  MPI_Request first = MPI_REQUEST_NULL;
  MPI_Irecv(&command, 1, MPI_INT32_T, kMaster, kTagCommand, comm, &first);
  if (waiting == Waiting::polite) {
    wait_politely(first);
  } else {
    MPI_Wait(&first, MPI_STATUS_IGNORE);
  }
  for (bool first_command = true;; first_command = false) {
    if (!first_command) comm.recv(kMaster, kTagCommand, command);
    if (command != kPing) return;
    const std::int64_t reading = clock.now().count();
    comm.send(kMaster, kTagReading, reading);
  }
}

Waiting waiting_for_this_node(const bmpi::communicator& comm) {
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int ranks_here = 1;
  MPI_Comm_size(node, &ranks_here);
  MPI_Comm_free(&node);
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores > 0 && ranks_here > cores ? Waiting::polite : Waiting::busy;
}

Nanoseconds scatter_corrections(const bmpi::communicator& comm, std::span<const Nanoseconds> corrections_ns,
                                Waiting waiting) {
  std::int64_t mine = 0;
  std::vector<std::int64_t> values;
  if (comm.rank() == kMaster) {
    values.reserve(corrections_ns.size());
    for (const Nanoseconds c : corrections_ns) values.push_back(c.count());
  }
  if (waiting == Waiting::busy) {
    MPI_Scatter(values.data(), 1, MPI_INT64_T, &mine, 1, MPI_INT64_T, kMaster, comm);
  } else {
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Iscatter(values.data(), 1, MPI_INT64_T, &mine, 1, MPI_INT64_T, kMaster, comm, &request);
    if (comm.rank() == kMaster) {
      MPI_Wait(&request, MPI_STATUS_IGNORE);
    } else {
      wait_politely(request);
    }
  }
  return Nanoseconds{mine};
}

}  // namespace berkeley::mpi
