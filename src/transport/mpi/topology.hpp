#pragma once
// How rank 0 reaches every rank in one round: measure every rank's offset against rank 0, and deliver
// one record per rank. Flat (rank 0 talks to every rank) or tree (node leaders talk to their members,
// rank 0 to the leaders). Collective: every rank of the communicator calls the same member functions.
#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "clock/clock.hpp"
#include "report/run_report.hpp"
#include "sync/measure.hpp"
#include "sync/sync_method.hpp"
#include "sync/tree.hpp"
#include "transport/mpi/waiting.hpp"

namespace berkeley::mpi {

class Topology {
 public:
  virtual ~Topology() = default;
  // rank 0 gets one estimate per rank (its own: 0); the other ranks an empty vector. Valid until the
  // next measure(): the topology reuses its buffers, so a round allocates nothing once they have grown.
  [[nodiscard]] virtual const GroupEstimates& measure(const Clock& clock) = 0;
  // rank 0 passes `width` values per rank, in rank order; every rank gets its own `width` values back
  // (valid until the next deliver())
  [[nodiscard]] virtual std::span<const std::int64_t> deliver(std::span<const std::int64_t> records, int width) = 0;
  // rank 0: what each level of the last measure() saw (one level for a flat topology)
  [[nodiscard]] virtual std::vector<LevelReport> levels() const = 0;
};

struct TopologyOptions {
  SyncMethod method = SyncMethod::collective;
  PingPongPolicy pingpong;
  Waiting waiting = Waiting::busy;
  int virtual_node_size = 0;  // tree only: 0 = group by real node (MPI_COMM_TYPE_SHARED)
};

// Collective. Builds the topology the method needs (tree: splits the communicator into nodes and leaders).
[[nodiscard]] std::unique_ptr<Topology> make_topology(const boost::mpi::communicator& comm,
                                                      const TopologyOptions& options);

// Per-level summary of a set of estimates (ranks measured, largest bound and round trip).
[[nodiscard]] LevelReport summarize_level(int level, std::string description, int groups,
                                          const GroupEstimates& estimates);

}  // namespace berkeley::mpi
