#pragma once
// A sync method over MPI (collective, pingpong, tree): how rank 0 reaches every rank in one round, measuring
// every rank's offset against rank 0 and delivering
// one record per rank. Flat (rank 0 talks to every rank) or tree (node leaders talk to their members,
// rank 0 to the leaders). Collective: every rank of the communicator calls the same member functions.
#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "clock/clock.hpp"
#include "core/collective_exchanges.hpp"
#include "sync/measure.hpp"
#include "sync/round.hpp"
#include "sync/round_summary.hpp"
#include "sync/sync_method.hpp"
#include "sync/tree.hpp"
#include "transport/mpi/messages.hpp"
#include "transport/mpi/waiting.hpp"

namespace berkeley::mpi {

class MpiMethod {
 public:
  virtual ~MpiMethod() = default;
  // rank 0 gets one estimate per rank (its own: 0); the other ranks an empty vector. Valid until the
  // next measure(): the method reuses its buffers, so a round allocates nothing once they have grown.
  // Where estimates_final() is false (the collective method) the offsets are lower bounds (in a run's later
  // rounds raised by the shift each rank carries, see collective_method.cpp), enough for the step; the
  // ranks refine their corrections themselves when they arrive, and rank 0 finishes the estimates in finish().
  [[nodiscard]] virtual const GroupEstimates& measure(const Clock& clock) = 0;
  [[nodiscard]] virtual bool estimates_final() const { return true; }
  // rank 0: the last round's estimates, as measure() returned them
  [[nodiscard]] virtual const GroupEstimates& last_estimates() = 0;
  // One Berkeley round (sync/round.hpp's run_round over measure() and deliver_corrections()); rank 0 fills
  // `record` when given. Every rank gets the correction to apply to its clock. The collective does the
  // same in one pass, with nothing but the step between its two MPI calls.
  [[nodiscard]] virtual Nanoseconds round(const Clock& clock, Nanoseconds tolerance_ns, RoundWork& work,
                                          RoundRecord* record);
  // rank 0 passes the step taken over measure()'s offsets (the others an empty one); every rank gets the
  // correction to apply to its clock (the collective method's ranks refine theirs on arrival)
  [[nodiscard]] virtual Nanoseconds deliver_corrections(const GroupStep& step);
  // rank 0 passes one message per rank, in rank order (the others pass none); every rank gets its own back
  template <class Message>
  [[nodiscard]] Message deliver(std::span<const Message> messages) {
    Message mine{};
    deliver_messages(messages.data(), &mine, datatype_of<Message>(), sizeof(Message));
    return mine;
  }
  // deliver(), untyped: `all` holds one message of `type` (`size` bytes) per rank on rank 0
  virtual void deliver_messages(const void* all, void* mine, MPI_Datatype type, std::size_t size) = 0;
  // Collective, after a run's last round. With `collect`, rank 0's `rounds` (one per round since the last
  // finish) get the finished estimates and the corrections the ranks applied; without, they are dropped.
  // Nothing to do where rank 0 measured everything itself.
  virtual void finish(bool collect, std::span<RoundRecord> rounds) {
    (void)collect;
    (void)rounds;
  }
  // rank 0: what each level measured in the last round, whose final estimates are `last_round` (a flat
  // method's one level is exactly those; the tree keeps its own per-level figures)
  [[nodiscard]] virtual std::vector<LevelSummary> levels(const GroupEstimates& last_round) const = 0;

 private:
  std::vector<std::int64_t> corrections_;  // deliver_corrections(): rank 0's corrections as sent
};

struct MethodOptions {
  SyncMethod method = SyncMethod::collective;
  PingPongPolicy pingpong;
  Waiting waiting = Waiting::busy;
  int virtual_node_size = 0;  // tree only: 0 = group by real node (MPI_COMM_TYPE_SHARED)
  // collective only: the ranks keep their readings and applied corrections for finish(), where rank 0
  // finishes the estimates (false: every finish() is called without `collect`, and a round keeps nothing)
  bool keep_estimates = true;
  // collective only: how many gather/scatter exchanges a round may make (1: the single fused exchange)
  CollectiveExchangePolicy collective;
};

// Collective. Builds what the method needs (tree: splits the communicator into nodes and leaders).
[[nodiscard]] std::unique_ptr<MpiMethod> make_method(const boost::mpi::communicator& comm,
                                                     const MethodOptions& options);

}  // namespace berkeley::mpi
