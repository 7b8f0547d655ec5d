#pragma once
// The collective method over MPI: the design card's round, MPI_Gather of the clocks then MPI_Scatter of the
// corrections, and nothing else on the critical path. No request goes out first: every rank enters the
// gather by program order. The estimate is the two-leg one (core/two_leg_estimate.hpp): rank 0 computes
// the corrections from lower bounds and scatters one int64 per rank, every rank refines its correction
// from its own two readings, and where the estimates are kept rank 0 finishes them in finish().
#include <boost/mpi/communicator.hpp>
#include <memory>

#include "transport/mpi/mpi_method.hpp"

namespace berkeley::mpi {

// Collective over `comm`. With `keep_estimates` the ranks keep their readings for finish(), where rank 0
// finishes every round's estimates.
[[nodiscard]] std::unique_ptr<MpiMethod> make_collective_method(const boost::mpi::communicator& comm,
                                                                bool keep_estimates);

}  // namespace berkeley::mpi
