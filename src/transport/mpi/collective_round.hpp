#pragma once
// One measurement and one delivery of the collective Berkeley round: the master's request is a
// broadcast, the clock readings come back with MPI_Gather, the corrections go out with MPI_Scatter.
// This layer only moves messages; the arithmetic is in core/.
#include <boost/mpi/communicator.hpp>
#include <span>
#include <vector>

#include "clock/clock.hpp"
#include "core/offset_estimate.hpp"

namespace berkeley::mpi {

// Collective over `comm`. On rank 0 returns one estimate per rank (rank 0's own is exactly 0); on the
// other ranks returns an empty vector. Each estimate is bounded by the master's interval between its
// request and the end of the gather.
[[nodiscard]] std::vector<OffsetEstimate> measure_offsets_collective(const boost::mpi::communicator& comm,
                                                                     const Clock& clock);

// Collective over `comm`: rank 0 passes one correction per rank, every rank gets its own back.
[[nodiscard]] Nanoseconds scatter_corrections(const boost::mpi::communicator& comm,
                                              std::span<const Nanoseconds> corrections_ns);

}  // namespace berkeley::mpi
