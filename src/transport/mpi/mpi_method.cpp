#include "transport/mpi/mpi_method.hpp"

#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <memory>
#include <stdexcept>
#include <string>

#include "transport/mpi/collective_method.hpp"
#include "transport/mpi/doorbells.hpp"
#include "transport/mpi/exchanging_collective.hpp"
#include "transport/mpi/mpi_group_channel.hpp"
#include "transport/mpi/node_communicator.hpp"
#include "transport/mpi/spinning_exchanges.hpp"

namespace berkeley::mpi {

namespace bmpi = boost::mpi;

Nanoseconds MpiMethod::round(const Clock& clock, Nanoseconds tolerance_ns, RoundWork& work, RoundRecord* record) {
  // the round engine's view of this method, reading `clock`
  class Carrier final : public RoundTransport {
   public:
    Carrier(MpiMethod& method, const Clock& clock) : method_(method), clock_(clock) {}
    const GroupEstimates& measure() override { return method_.measure(clock_); }
    Nanoseconds deliver(const GroupStep& step) override { return method_.deliver_corrections(step); }

   private:
    MpiMethod& method_;
    const Clock& clock_;
  };
  Carrier carrier(*this, clock);
  return run_round(carrier, tolerance_ns, work, record);
}

Nanoseconds MpiMethod::deliver_corrections(const GroupStep& step) {
  corrections_.clear();
  for (const Nanoseconds c : step.step.corrections_ns) corrections_.push_back(c.count());
  return Nanoseconds{deliver<std::int64_t>(corrections_)};
}

namespace {

constexpr int kRoot = 0;

// The doorbells ranks sleep on where they wait politely (made on every rank whatever its node decided, the
// setup being collective; rung only by a root that waits politely itself: the ranks on its node are exactly
// the ones that decided the same); nullptr where they wait busy.
Doorbells* doorbells_for(Waiting waiting, Doorbells& doorbells) {
  return waiting != Waiting::busy ? &doorbells : nullptr;
}

// rank 0 measures a group over `comm` by ping-pong into `estimates`; the others answer and leave
// `estimates` empty (`channel` is rank 0's channel over `comm`, `doorbells` made over `comm`)
void measure_group(const bmpi::communicator& comm, MpiGroupChannel& channel, const Clock& clock,
                   const PingPongPolicy& policy, Waiting waiting, GroupEstimates& estimates, QuietFloors& floors,
                   Doorbells& doorbells) {
  Doorbells* bells = doorbells_for(waiting, doorbells);
  if (comm.rank() != kRoot) {
    answer_pingpong(comm, clock, waiting, bells != nullptr ? bells->mine() : nullptr);
    estimates.clear();
    return;
  }
  channel.use(bells);
  channel.use(clock);
  const SpinningExchanges spinning;  // rank 0 is in every pair: no core given away inside a round trip
  estimates = measure_pingpong(channel, policy, &floors);
}

// rank 0: per rank of `comm`, the index of its node (ranks that share memory share a node), for the
// patience's floors; the others: empty
std::vector<int> node_index_of_ranks(const bmpi::communicator& comm) {
  const bmpi::communicator node = shared_memory_node(comm);
  int leader = comm.rank();  // the node's lowest rank names it
  MPI_Bcast(&leader, 1, MPI_INT, 0, node);
  std::vector<int> leaders;
  bmpi::gather(comm, leader, leaders, kRoot);
  return leaders;
}

// MPI_Iscatter of one message of `type` per rank of `comm` from its rank 0, into `mine`; each rank completes
// it as it waits (with `doorbells`, rank 0 rings every rank once the messages are out, and the others sleep on
// theirs). Nonblocking whatever the waiting, because every rank of the communicator must make the same call
// (a blocking and a nonblocking collective do not match) and the waiting is decided per node.
void scatter_messages(const bmpi::communicator& comm, const void* all, void* mine, MPI_Datatype type, Waiting waiting,
                      Doorbells* doorbells = nullptr) {
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Iscatter(all, 1, type, mine, 1, type, kRoot, comm, &request);
  if (comm.rank() == kRoot) {
    complete(request, Waiting::busy);
    if (doorbells != nullptr) doorbells->ring_all();
  } else {
    complete(request, waiting, doorbells != nullptr ? doorbells->mine() : nullptr);
  }
}

class PingpongMethod final : public MpiMethod {
 public:
  PingpongMethod(const bmpi::communicator& comm, const MethodOptions& options)
      : comm_(comm), options_(options), channel_(comm), doorbells_(comm), floors_(node_index_of_ranks(comm)) {}

  const GroupEstimates& measure(const Clock& clock) override {
    measure_group(comm_, channel_, clock, options_.pingpong, options_.waiting, estimates_, floors_, doorbells_);
    return estimates_;
  }
  const GroupEstimates& last_estimates() override { return estimates_; }
  void deliver_messages(const void* all, void* mine, MPI_Datatype type, std::size_t /*size*/) override {
    // ranks that were idle may sleep until it arrives
    scatter_messages(comm_, all, mine, type, options_.waiting, doorbells_for(options_.waiting, doorbells_));
  }
  std::vector<LevelSummary> levels(const GroupEstimates& last_round) const override {
    return {summarize_level(1, "pingpong, rank 0 to every rank", 1, last_round)};
  }

 private:
  bmpi::communicator comm_;  // held by value, as every communicator a method keeps
  MethodOptions options_;
  MpiGroupChannel channel_;
  Doorbells doorbells_;
  QuietFloors floors_;  // rank 0: what each node's quiet round trip is, learned from round to round
  GroupEstimates estimates_;
};

class TreeMethod final : public MpiMethod {
 public:
  TreeMethod(const bmpi::communicator& world, const MethodOptions& options) : world_(world), options_(options) {
    if (options.virtual_node_size > 0) {
      node_ = world.split(world.rank() / options.virtual_node_size, world.rank());
    } else {
      node_ = shared_memory_node(world);
    }
    node_floors_ = QuietFloors(std::vector<int>(static_cast<std::size_t>(node_.size()), 0));
    // rank 0 has the lowest world rank of its node, so it leads node 0 and is rank 0 among the leaders
    leaders_ = world.split(node_.rank() == 0 ? 0 : 1, world.rank());
    // as in the flat pingpong: ranks that wait politely sleep until the first ping rings them
    node_doorbells_ = std::make_unique<Doorbells>(node_);
    leader_doorbells_ = std::make_unique<Doorbells>(leaders_);
    bmpi::gather(node_, world.rank(), node_members_, 0);  // each leader: the world ranks of its node
    // rank 0 learns the whole layout once: every leader's members, leader first
    std::vector<std::int64_t> members(node_members_.begin(), node_members_.end());
    if (node_.rank() == 0) {
      const std::vector<std::int64_t> all = gather_from_leaders(members);
      std::size_t at = 0;
      for (const std::int64_t size : node_sizes_) {
        layout_.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(at),
                             all.begin() + static_cast<std::ptrdiff_t>(at + size));
        at += static_cast<std::size_t>(size);
      }
    }
  }

  const GroupEstimates& measure(const Clock& clock) override {
    composed_.clear();
    // level 1: every node leader measures its own members, all nodes at once (on 2 cores too: np 8 with
    // the leaders taking turns was no faster, its hand-overs costing what the contention did)
    GroupEstimates node_estimates;
    MpiGroupChannel node_channel(node_);
    measure_group(node_, node_channel, clock, options_.pingpong, options_.waiting, node_estimates, node_floors_,
                  *node_doorbells_);
    if (node_.rank() != 0) return composed_;
    // level 2: rank 0 measures the leaders
    GroupEstimates leader_estimates;
    MpiGroupChannel leader_channel(leaders_);
    measure_group(leaders_, leader_channel, clock, options_.pingpong, options_.waiting, leader_estimates,
                  leader_floors_, *leader_doorbells_);

    // every leader sends its node's members and estimates up to rank 0
    std::vector<MemberEstimate> mine;
    for (std::size_t m = 0; m < node_members_.size(); ++m)
      mine.push_back(member_estimate(node_members_[m], node_estimates[m]));
    const std::vector<MemberEstimate> all = gather_from_leaders(mine);
    if (world_.rank() != kRoot) return composed_;

    // rank 0: rebuild the node estimates, and compose
    std::vector<GroupEstimates> per_node;
    std::size_t at = 0;
    for (std::size_t k = 0; k < layout_.size(); ++k) {
      GroupEstimates estimates;
      for (std::size_t n = 0; n < layout_[k].size(); ++n, ++at) estimates.push_back(peer_estimate(all[at]));
      per_node.push_back(std::move(estimates));
    }
    GroupEstimates level1;  // all members of all nodes, for the level summary
    level1.emplace_back(std::nullopt);
    for (const GroupEstimates& node : per_node) level1.insert(level1.end(), node.begin() + 1, node.end());
    levels_ = {
        summarize_level(1, "pingpong within each node, all nodes at once", static_cast<int>(layout_.size()), level1),
        summarize_level(2, "pingpong from rank 0 to the node leaders", 1, leader_estimates)};
    composed_ = compose_tree(layout_, per_node, leader_estimates, world_.size());
    return composed_;
  }

  const GroupEstimates& last_estimates() override { return composed_; }
  void deliver_messages(const void* all, void* mine, MPI_Datatype type, std::size_t size) override {
    // rank 0 → each leader its node's messages (in the node's order) → each member its own
    std::vector<std::byte> for_my_node;
    if (node_.rank() == 0) {
      std::vector<std::byte> by_node;
      std::vector<int> counts;  // messages per node
      if (world_.rank() == kRoot) {
        const auto* bytes = static_cast<const std::byte*>(all);
        for (const std::vector<int>& node : layout_) {
          for (const int rank : node) {
            const std::byte* first = bytes + static_cast<std::size_t>(rank) * size;
            by_node.insert(by_node.end(), first, first + size);
          }
          counts.push_back(static_cast<int>(node.size()));
        }
      }
      for_my_node.resize(static_cast<std::size_t>(node_.size()) * size);
      std::vector<int> displacements(counts.size());
      for (std::size_t k = 1; k < counts.size(); ++k) displacements[k] = displacements[k - 1] + counts[k - 1];
      MPI_Scatterv(by_node.data(), counts.data(), displacements.data(), type, for_my_node.data(), node_.size(), type,
                   kRoot, leaders_);
    }
    scatter_messages(node_, for_my_node.data(), mine, type, options_.waiting,
                     doorbells_for(options_.waiting, *node_doorbells_));
  }

  // the tree's levels are its own: the node leaders' and rank 0's estimates of the last measure()
  std::vector<LevelSummary> levels(const GroupEstimates& last_round) const override {
    (void)last_round;
    return levels_;
  }

 private:
  // MPI_Gatherv over the leaders of each leader's `mine` (one message per member of its node); rank 0 also
  // learns every node's size
  template <class Message>
  std::vector<Message> gather_from_leaders(const std::vector<Message>& mine) {
    const int count = static_cast<int>(mine.size());
    std::vector<int> counts(static_cast<std::size_t>(leaders_.size()));
    MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, kRoot, leaders_);
    std::vector<int> displacements(counts.size());
    std::vector<Message> all;
    if (leaders_.rank() == kRoot) {
      for (std::size_t k = 1; k < counts.size(); ++k) displacements[k] = displacements[k - 1] + counts[k - 1];
      all.resize(static_cast<std::size_t>(displacements.back() + counts.back()));
      node_sizes_.assign(counts.begin(), counts.end());
    }
    const MPI_Datatype type = datatype_of<Message>();
    MPI_Gatherv(mine.data(), count, type, all.data(), counts.data(), displacements.data(), type, kRoot, leaders_);
    return all;
  }

  bmpi::communicator world_;  // held by value, as every communicator a method keeps
  MethodOptions options_;
  bmpi::communicator node_;
  bmpi::communicator leaders_;
  std::unique_ptr<Doorbells> node_doorbells_;
  std::unique_ptr<Doorbells> leader_doorbells_;
  std::vector<int> node_members_;  // leaders: the world ranks of this node, in node order
  // the patience's floors: a node's members share one (path 0); every leader is a path of its own
  QuietFloors node_floors_;
  QuietFloors leader_floors_;
  NodeLayout layout_;  // rank 0: world ranks of every node, leader first
  std::vector<std::int64_t> node_sizes_;
  std::vector<LevelSummary> levels_;
  GroupEstimates composed_;  // rank 0: the last measure()
};

}  // namespace

std::unique_ptr<MpiMethod> make_method(const bmpi::communicator& comm, const MethodOptions& options) {
  switch (options.method) {
    case SyncMethod::collective:
      if (options.collective.max_exchanges > 1) return make_exchanging_collective(comm, options.collective);
      return make_collective_method(comm, options.keep_estimates);
    case SyncMethod::pingpong:
      return std::make_unique<PingpongMethod>(comm, options);
    case SyncMethod::tree:
      return std::make_unique<TreeMethod>(comm, options);
  }
  throw std::logic_error("make_method: unknown method");
}

}  // namespace berkeley::mpi
