#include "transport/mpi/group_channel.hpp"

#include <cstdint>

#include "transport/mpi/spinning_exchanges.hpp"

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
  const ClockReading t_send = clock_->now();
  comm_.send(member, kTagCommand, kPing);
  if (doorbells_ != nullptr && member != awake_) {  // its first ping: it sleeps until rung (this RTT is
    doorbells_->ring(member);                       // long, and the min-RTT filter drops it)
    awake_ = member;
  }
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Irecv(&reading, 1, MPI_INT64_T, member, kTagReading, comm_, &request);
  wait_spinning(request);
  const ClockReading t_recv = clock_->now();
  return OffsetSample{t_send, Nanoseconds{reading}, t_recv};
}

void MpiGroupChannel::prepare(int member) {
  if (doorbells_ != nullptr && doorbells_->reaches(member)) return;  // the ring with its first ping does it
  comm_.send(member, kTagCommand, kPrepare);
}

void MpiGroupChannel::pause(Nanoseconds pause_ns) { sleep_elsewhere(pause_ns); }

void MpiGroupChannel::release(int member) { comm_.send(member, kTagCommand, kRelease); }

void answer_pingpong(const bmpi::communicator& comm, const Clock& clock, Waiting waiting,
                     std::atomic<std::uint32_t>* doorbell) {
  // until the master turns to this rank, wait (politely: without holding a core); then answer at full speed
  std::int32_t command = kRelease;
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Irecv(&command, 1, MPI_INT32_T, kMaster, kTagCommand, comm, &request);
  complete(request, waiting, doorbell);
  if (command == kPrepare) {  // the master is measuring the rank before this one: be quick, not yet busy
    MPI_Irecv(&command, 1, MPI_INT32_T, kMaster, kTagCommand, comm, &request);
    complete(request, waiting == Waiting::polite ? Waiting::alert : Waiting::busy);
  }
  const SpinningExchanges spinning;  // this rank's turn: no core given away inside a round trip
  for (bool first_command = true;; first_command = false) {
    if (!first_command) {
      MPI_Irecv(&command, 1, MPI_INT32_T, kMaster, kTagCommand, comm, &request);
      wait_spinning(request);
    }
    if (command != kPing) return;
    const std::int64_t reading = clock.now().count();
    comm.send(kMaster, kTagReading, reading);
  }
}

}  // namespace berkeley::mpi
