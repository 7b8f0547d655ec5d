#include "transport/mpi/group_channel.hpp"

#include <array>
#include <cstdint>

#include "transport/mpi/spinning_exchanges.hpp"

namespace berkeley::mpi {

namespace bmpi = boost::mpi;
namespace {
constexpr int kMaster = 0;
constexpr int kTagCommand = 101;
constexpr int kTagReading = 102;
constexpr std::int64_t kPing = 1;
constexpr std::int64_t kRelease = 0;
constexpr std::int64_t kPrepare = 2;

// The master's command, and where it runs (current_core_token()): a member woken by its first ping moves
// off the master's core (the kernel wakes it beside its waker, behind a master that spins: in one run at
// np 4 on 2 cores, 414 of 621 first exchanges, ~75 us median)
using Command = std::array<std::int64_t, 2>;

void send_command(const bmpi::communicator& comm, int member, std::int64_t what) {
  const Command command{what, current_core_token()};
  MPI_Send(command.data(), 2, MPI_INT64_T, member, kTagCommand, comm);
}
}  // namespace

std::optional<OffsetSample> MpiGroupChannel::exchange(int member) {
  std::array<std::int64_t, 2> reply{};  // the member's reading, and where it ran (current_core_token())
  // the reply's receive is posted before the ping goes: it never waits in the unexpected queue
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Irecv(reply.data(), 2, MPI_INT64_T, member, kTagReading, comm_, &request);
  const Command ping{kPing, current_core_token()};
  const ClockReading t_send = clock_->now();
  MPI_Send(ping.data(), 2, MPI_INT64_T, member, kTagCommand, comm_);
  if (doorbells_ != nullptr && member != awake_) {  // its first ping: it sleeps until rung (this RTT is
    doorbells_->ring(member);                       // long, and the min-RTT filter drops it)
    awake_ = member;
  }
  wait_spinning(request);
  const ClockReading t_recv = clock_->now();
  // on one core with the member (as of its last reply), every round trip is two context switches: move
  // before the next
  if (reply[1] == current_core_token()) move_off_this_core();
  return OffsetSample{t_send, Nanoseconds{reply[0]}, t_recv};
}

void MpiGroupChannel::prepare(int member) {
  if (doorbells_ != nullptr && doorbells_->reaches(member)) return;  // the ring with its first ping does it
  send_command(comm_, member, kPrepare);
}

void MpiGroupChannel::pause(Nanoseconds pause_ns) { sleep_elsewhere(pause_ns); }

void MpiGroupChannel::release(int member) { send_command(comm_, member, kRelease); }

void answer_pingpong(const bmpi::communicator& comm, const Clock& clock, Waiting waiting,
                     std::atomic<std::uint32_t>* doorbell) {
  // until the master turns to this rank, wait (politely: without holding a core); then answer at full speed
  Command command{kRelease, 0};
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Irecv(command.data(), 2, MPI_INT64_T, kMaster, kTagCommand, comm, &request);
  complete(request, waiting, doorbell);
  if (command[0] == kPrepare) {  // the master is measuring the rank before this one: be quick, not yet busy
    MPI_Irecv(command.data(), 2, MPI_INT64_T, kMaster, kTagCommand, comm, &request);
    complete(request, waiting == Waiting::polite ? Waiting::alert : Waiting::busy);
  }
  const SpinningExchanges spinning;  // this rank's turn: no core given away inside a round trip
  if (command[0] == kPing && command[1] == current_core_token()) move_off_this_core();
  // where this rank runs, found off the round trip (after each reply, for the next): the master moves
  // away from a core they share
  std::int64_t where = current_core_token();
  for (;;) {
    if (command[0] != kPing) return;
    const std::array<std::int64_t, 2> reply{clock.now().count(), where};
    MPI_Send(reply.data(), 2, MPI_INT64_T, kMaster, kTagReading, comm);
    MPI_Irecv(command.data(), 2, MPI_INT64_T, kMaster, kTagCommand, comm, &request);
    where = current_core_token();
    wait_spinning(request);
  }
}

}  // namespace berkeley::mpi
