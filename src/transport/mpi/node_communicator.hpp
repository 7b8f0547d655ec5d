#pragma once
// Where the ranks of a communicator run: the one place that asks MPI which ranks share a node.
#include <boost/mpi/communicator.hpp>

namespace berkeley::mpi {

// The ranks of `comm` that share this rank's node (its memory, MPI_COMM_TYPE_SHARED), in their order in
// `comm`. Collective over `comm`; the result owns its MPI communicator.
[[nodiscard]] boost::mpi::communicator shared_memory_node(const boost::mpi::communicator& comm);

}  // namespace berkeley::mpi
