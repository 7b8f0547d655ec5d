#include "transport/mpi/mpi_group_channel.hpp"

#include <cstdint>

#include "transport/mpi/messages.hpp"
#include "transport/mpi/spinning_exchanges.hpp"

namespace berkeley::mpi {

namespace bmpi = boost::mpi;
namespace {
constexpr int kMaster = 0;
constexpr int kTagCommand = 101;
constexpr int kTagReading = 102;

// Every command says where the master runs (current_core_token()): a member woken by its first ping moves
// off the master's core (the kernel wakes it beside its waker, behind a master that spins: in one run at
// np 4 on 2 cores, 414 of 621 first exchanges, ~75 us median)
void send_command(MPI_Comm comm, int member, PingCommand::What what) {
  const PingCommand command{what, current_core_token()};
  MPI_Send(&command, 1, datatype_of<PingCommand>(), member, kTagCommand, comm);
}
}  // namespace

MpiGroupChannel::MpiGroupChannel(const bmpi::communicator& comm) : comm_(comm), raw_(comm), size_(comm.size()) {}

MpiGroupChannel::MpiGroupChannel(const bmpi::communicator& comm, const Clock& clock) : MpiGroupChannel(comm) {
  clock_ = &clock;
}

std::optional<OffsetSample> MpiGroupChannel::exchange(int member) {
  PingReply reply;
  // the reply's receive is posted before the ping goes: it never waits in the unexpected queue
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Irecv(&reply, 1, datatype_of<PingReply>(), member, kTagReading, raw_, &request);
  const PingCommand ping{PingCommand::ping, current_core_token()};
  const ClockReading t_send = clock_->now();
  MPI_Send(&ping, 1, datatype_of<PingCommand>(), member, kTagCommand, raw_);
  if (doorbells_ != nullptr && member != awake_) {  // its first ping: it sleeps until rung (this RTT is
    doorbells_->ring(member);                       // long, and the min-RTT filter drops it)
    awake_ = member;
  }
  wait_spinning(request);
  const ClockReading t_recv = clock_->now();
  // on one core with the member (as of its last reply), every round trip is two context switches: move
  // before the next
  if (reply.core_token == current_core_token()) move_off_this_core();
  return OffsetSample{t_send, at_ns(reply.reading_ns), t_recv};
}

void MpiGroupChannel::prepare(int member) {
  if (doorbells_ != nullptr && doorbells_->reaches(member)) return;  // the ring with its first ping does it
  send_command(raw_, member, PingCommand::prepare);
}

void MpiGroupChannel::pause(Nanoseconds pause_ns) { sleep_elsewhere(pause_ns); }

void MpiGroupChannel::release(int member) { send_command(raw_, member, PingCommand::release); }

void answer_pingpong(const bmpi::communicator& comm, const Clock& clock, Waiting waiting,
                     std::atomic<std::uint32_t>* doorbell) {
  const MPI_Datatype command_type = datatype_of<PingCommand>();
  const MPI_Datatype reply_type = datatype_of<PingReply>();
  // until the master turns to this rank, wait (politely: without holding a core); then answer at full speed
  PingCommand command;
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Irecv(&command, 1, command_type, kMaster, kTagCommand, comm, &request);
  complete(request, waiting, doorbell);
  if (command.what == PingCommand::prepare) {  // the master is measuring the rank before this one: be quick
    MPI_Irecv(&command, 1, command_type, kMaster, kTagCommand, comm, &request);
    complete(request, waiting == Waiting::polite ? Waiting::alert : Waiting::busy);
  }
  const SpinningExchanges spinning;  // this rank's turn: no core given away inside a round trip
  if (command.what == PingCommand::ping && command.core_token == current_core_token()) move_off_this_core();
  // where this rank runs, found off the round trip (after each reply, for the next): the master moves
  // away from a core they share
  std::int64_t where = current_core_token();
  for (;;) {
    if (command.what != PingCommand::ping) return;
    const PingReply reply{reading_ns(clock.now()), where};
    MPI_Send(&reply, 1, reply_type, kMaster, kTagReading, comm);
    MPI_Irecv(&command, 1, command_type, kMaster, kTagCommand, comm, &request);
    where = current_core_token();
    wait_spinning(request);
  }
}

}  // namespace berkeley::mpi
