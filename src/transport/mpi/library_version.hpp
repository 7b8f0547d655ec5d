#pragma once
// The MPI library a program runs on, for --version: the first line of MPI_Get_library_version ("Open MPI
// v4.1.4, package: …", "MPICH Version: 4.0 …"), and the MPI standard version. Callable before MPI_Init.
#include <string>

namespace berkeley::mpi {

[[nodiscard]] std::string library_version();

}  // namespace berkeley::mpi
