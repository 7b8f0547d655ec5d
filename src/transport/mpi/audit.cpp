#include "transport/mpi/audit.hpp"

#include "transport/mpi/group_channel.hpp"

namespace berkeley::mpi {

std::vector<AuditEstimate> audit_offsets(const boost::mpi::communicator& comm, const Clock& clock,
                                         int exchanges_per_rank) {
  const Waiting waiting = waiting_for_this_node(comm);
  if (comm.rank() != 0) {
    answer_pingpong(comm, clock, waiting);
    return {};
  }
  MpiGroupChannel channel(comm, clock);
  std::vector<AuditEstimate> audits(static_cast<std::size_t>(comm.size()));
  audits[0].samples = exchanges_per_rank;
  for (int member = 1; member < comm.size(); ++member) {
    std::vector<OffsetSample> samples;
    for (int i = 0; i < exchanges_per_rank; ++i) {
      if (const std::optional<OffsetSample> sample = channel.exchange(member)) samples.push_back(*sample);
    }
    channel.release(member);
    audits[static_cast<std::size_t>(member)] = intersect_intervals(samples);
  }
  return audits;
}

}  // namespace berkeley::mpi
