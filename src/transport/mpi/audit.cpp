#include "transport/mpi/audit.hpp"

#include "sync/group_audit.hpp"
#include "transport/mpi/mpi_group_channel.hpp"

namespace berkeley::mpi {

std::vector<AuditEstimate> audit_offsets(const boost::mpi::communicator& comm, const Clock& clock,
                                         int exchanges_per_rank) {
  const Waiting waiting = waiting_for_this_node(comm);
  if (comm.rank() != 0) {
    answer_pingpong(comm, clock, waiting);
    return {};
  }
  MpiGroupChannel channel(comm, clock);
  std::vector<AuditEstimate> audits;
  for (const std::optional<AuditEstimate>& audit : audit_group(channel, exchanges_per_rank)) {
    audits.push_back(audit.value_or(AuditEstimate{}));  // over MPI every rank answers
  }
  return audits;
}

}  // namespace berkeley::mpi
