#pragma once
// Opening a report file before any work, so that a bad path fails the job at once on every rank.
#include <boost/mpi/communicator.hpp>

#include "report/report_file.hpp"

namespace berkeley::mpi {

// Collective. Rank 0 opens `file` (nothing to open where none is wanted); every rank returns whether that
// worked, so that all take the same branch: a rank that bailed out alone would leave the others waiting
// in a collective.
[[nodiscard]] bool open_on_root(const boost::mpi::communicator& comm, ReportFile& file);

}  // namespace berkeley::mpi
