#include "transport/mpi/node_communicator.hpp"

#include <mpi.h>

namespace berkeley::mpi {

boost::mpi::communicator shared_memory_node(const boost::mpi::communicator& comm) {
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, comm.rank(), MPI_INFO_NULL, &node);
  return boost::mpi::communicator(node, boost::mpi::comm_take_ownership);
}

}  // namespace berkeley::mpi
