#pragma once
// The collective method with several exchanges per round (the default): every exchange is an MPI_Gather
// of the members' readings and an MPI_Scatter back with rank 0's reading; each member intersects the
// two-leg intervals of its exchanges (core/collective_exchanges.hpp) and reports the result in the next
// gather, and once rank 0 sees the group's widest interval stop narrowing, the last exchange's scatter
// carries the corrections, computed from every rank's finished estimate. The design card's round (gather the clocks →
// average → scatter the corrections) is the last exchange; the ones before it only tighten the estimates.
#include <boost/mpi/communicator.hpp>
#include <memory>

#include "core/collective_exchanges.hpp"
#include "transport/mpi/mpi_method.hpp"

namespace berkeley::mpi {

// Collective over `comm`; policy.max_exchanges ≥ 2 (1 is the single-exchange collective_method.hpp).
[[nodiscard]] std::unique_ptr<MpiMethod> make_exchanging_collective(const boost::mpi::communicator& comm,
                                                                    CollectiveExchangePolicy policy);

}  // namespace berkeley::mpi
