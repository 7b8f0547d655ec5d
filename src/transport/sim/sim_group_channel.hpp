#pragma once
// GroupChannel over the simulated network: a group master and its members (participant ids in the
// network), with its own simulated time, so groups that would run concurrently (the nodes of the tree)
// each keep their own clock of progress. The master's readings come from its own simulated clock.
//
// exchange(m): one round trip, nothing else on the wire:
//   master reads t_send, handles the request (cost c), flight out, member handles it (c), reads its clock,
//   handles the reply (c), flight back, master handles it (c) and reads t_recv.
//   With symmetric links and no jitter the member's read sits exactly at the midpoint of [t_send, t_recv].
// request_all(): a flat fan-out and a serial fan-in at the master (a gather):
//   the master sends the p−1 requests one after another (c each), each member answers as above, and the
//   master handles the p−1 replies one at a time in order of arrival (c each, none before it has sent
//   all requests). The master handles 2(p−1) messages and the interval [t_send, t_recv] grows as 2(p−1)c.
// A reply that has not arrived `timeout` after its request left is given up (a silent member never
// answers): exchange returns nullopt at request departure + timeout; request_all waits until the last
// such deadline. release(m) is one more message to m (as the MPI channel sends one).
#include <vector>

#include "sync/group_channel.hpp"
#include "transport/sim/sim_network.hpp"

namespace berkeley::sim {

class SimGroupChannel final : public RequestAllChannel {
 public:
  // participants[0] is the group's master; its time starts at start
  SimGroupChannel(SimNetwork& network, std::vector<int> participants, TrueInstant start);

  [[nodiscard]] int size() const override { return static_cast<int>(participants_.size()); }
  [[nodiscard]] std::optional<OffsetSample> exchange(int member) override;
  void release(int member) override;
  void request_all(CollectiveReadings& got) override;

  // the group's simulated time: when its master finished the last operation
  [[nodiscard]] TrueInstant now() const { return now_; }
  [[nodiscard]] int participant(int member) const { return participants_.at(static_cast<std::size_t>(member)); }

 private:
  // A request that left the master at `depart` reaches member `id`, which reads its clock and replies.
  struct Answer {
    ClockReading reading;
    TrueInstant reply_arrives;  // at the master, before the master handles it
  };
  [[nodiscard]] Answer answer(int id, TrueInstant depart);

  SimNetwork& network_;
  std::vector<int> participants_;
  TrueInstant now_;
};

}  // namespace berkeley::sim
