#pragma once
// GroupChannel over an MPI communicator (rank 0 is the master), and the responder loops the other
// ranks run while the master measures. This layer only moves messages.
#include <boost/mpi/communicator.hpp>
#include <cstdint>

#include "clock/clock.hpp"
#include "sync/group_channel.hpp"
#include "transport/mpi/doorbells.hpp"
#include "transport/mpi/waiting.hpp"

namespace berkeley::mpi {

// Rank 0's side of the ping-pong: blocking point-to-point messages, one member at a time. (The collective
// method is not a channel: it is the two-leg round of transport/mpi/collective_method.hpp.)
class MpiGroupChannel final : public GroupChannel {
 public:
  // (the channel keeps its own handle of `comm`: a temporary communicator is fine)
  MpiGroupChannel(const boost::mpi::communicator& comm, const Clock& clock);
  // a channel whose clock is set by use() before it is used
  explicit MpiGroupChannel(const boost::mpi::communicator& comm);
  // time the exchanges on `clock` from now on (and start a new measurement: every member asleep)
  void use(const Clock& clock) {
    clock_ = &clock;
    awake_ = 0;
  }
  // ring a member's doorbell with its first ping (its answer_pingpong sleeps on it)
  void use(Doorbells* doorbells) { doorbells_ = doorbells; }
  [[nodiscard]] int size() const override { return size_; }
  [[nodiscard]] std::optional<OffsetSample> exchange(int member) override;
  void prepare(int member) override;
  void release(int member) override;
  // Patience: sleeps off the core it was running on (and may come back anywhere); under a CPU hog a
  // 1 ms pause spent elsewhere found a quiet exchange in 8 of 8 runs at np 4, 100 us in 7 of 8
  void pause(Nanoseconds pause_ns) override;

 private:
  boost::mpi::communicator comm_;  // held by value: the handle lives as long as the channel
  MPI_Comm raw_;                   // comm_'s, looked up once
  int size_;
  const Clock* clock_ = nullptr;
  Doorbells* doorbells_ = nullptr;
  int awake_ = 0;  // the member last rung
};

// The other ranks' side of the ping-pong: answer every ping with a clock reading until released.
// With a doorbell it sleeps on it until the master's first ping rings it.
void answer_pingpong(const boost::mpi::communicator& comm, const Clock& clock, Waiting waiting,
                     std::atomic<std::uint32_t>* doorbell = nullptr);

}  // namespace berkeley::mpi
