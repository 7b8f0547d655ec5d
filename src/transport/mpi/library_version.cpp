#include "transport/mpi/library_version.hpp"

#include <mpi.h>

namespace berkeley::mpi {

std::string library_version() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  if (MPI_Get_library_version(text, &length) != MPI_SUCCESS) return "unknown";
  std::string line(text, static_cast<std::size_t>(length));
  line = line.substr(0, line.find_first_of("\r\n"));
  while (!line.empty() && (line.back() == ' ' || line.back() == ',')) line.pop_back();
  int major = 0;
  int minor = 0;
  MPI_Get_version(&major, &minor);
  return line + " (MPI " + std::to_string(major) + "." + std::to_string(minor) + ")";
}

}  // namespace berkeley::mpi
