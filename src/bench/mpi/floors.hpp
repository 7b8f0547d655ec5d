#pragma once
// The floors a sync is compared with, measured with plain MPI calls in the same run.
#include <boost/mpi/communicator.hpp>

#include "core/time.hpp"

namespace berkeley::mpi::bench {

struct Floors {
  Nanoseconds barrier_ns{0};         // median MPI_Barrier, slowest rank
  Nanoseconds gather_scatter_ns{0};  // median MPI_Gather + MPI_Scatter of one int64 at rank 0, slowest rank
  Nanoseconds half_min_rtt_ns{0};    // half the smallest ping-pong round trip, worst pair (0, r)
};

// Collective; every rank gets the figures.
[[nodiscard]] Floors measure_floors(const boost::mpi::communicator& comm, int repetitions = 200);

// Collective: one MPI_Gather + MPI_Scatter of one int64 at rank 0, timed on this rank (after a barrier).
// The benchmark times one before every sync, so that each method's ratio is to a floor measured under
// the same conditions (on an oversubscribed node the floor moves by 2x between moments of one run).
[[nodiscard]] Nanoseconds time_gather_scatter(const boost::mpi::communicator& comm);

// Median of the values (the upper median for an even count); 0 for none.
[[nodiscard]] Nanoseconds median_of(std::vector<Nanoseconds> values);

}  // namespace berkeley::mpi::bench
