#include "transport/mpi/report_file.hpp"

#include <boost/mpi/collectives.hpp>
#include <functional>

namespace berkeley::mpi {

bool open_on_root(const boost::mpi::communicator& comm, ReportFile& file) {
  const bool ok_here = comm.rank() != 0 || file.open();
  bool ok_everywhere = false;
  boost::mpi::all_reduce(comm, ok_here, ok_everywhere, std::logical_and<>());
  return ok_everywhere;
}

}  // namespace berkeley::mpi
