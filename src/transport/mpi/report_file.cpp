#include "transport/mpi/report_file.hpp"

#include <boost/mpi/collectives.hpp>
#include <functional>

namespace berkeley::mpi {

bool open_on_root(const boost::mpi::communicator& comm, const std::string& path, std::ofstream& file) {
  if (comm.rank() == 0 && !path.empty()) file.open(path);
  const bool ok_here = comm.rank() != 0 || path.empty() || file.is_open();
  bool ok_everywhere = false;
  boost::mpi::all_reduce(comm, ok_here, ok_everywhere, std::logical_and<>());
  return ok_everywhere;
}

}  // namespace berkeley::mpi
