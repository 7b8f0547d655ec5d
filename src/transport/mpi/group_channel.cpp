#include "transport/mpi/group_channel.hpp"

#include <boost/mpi/collectives.hpp>
#include <cstdint>
#include <vector>

namespace berkeley::mpi {

namespace bmpi = boost::mpi;
namespace {
constexpr int kMaster = 0;
constexpr int kTagCommand = 101;
constexpr int kTagReading = 102;
constexpr std::int32_t kPing = 1;
constexpr std::int32_t kRelease = 0;
constexpr std::int32_t kPrepare = 2;
}  // namespace

std::optional<OffsetSample> MpiGroupChannel::exchange(int member) {
  std::int64_t reading = 0;
  const ClockReading t_send = clock_.now();
  comm_.send(member, kTagCommand, kPing);
  comm_.recv(member, kTagReading, reading);
  const ClockReading t_recv = clock_.now();
  return OffsetSample{t_send, Nanoseconds{reading}, t_recv};
}

void MpiGroupChannel::prepare(int member) { comm_.send(member, kTagCommand, kPrepare); }

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
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Irecv(&command, 1, MPI_INT32_T, kMaster, kTagCommand, comm, &request);
  complete(request, waiting);
  if (command == kPrepare) {  // the master is measuring the rank before this one: be quick, not yet busy
    MPI_Irecv(&command, 1, MPI_INT32_T, kMaster, kTagCommand, comm, &request);
    complete(request, waiting == Waiting::polite ? Waiting::alert : Waiting::busy);
  }
  for (bool first_command = true;; first_command = false) {
    if (!first_command) comm.recv(kMaster, kTagCommand, command);
    if (command != kPing) return;
    const std::int64_t reading = clock.now().count();
    comm.send(kMaster, kTagReading, reading);
  }
}

}  // namespace berkeley::mpi
