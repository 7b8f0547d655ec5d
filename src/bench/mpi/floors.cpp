#include "bench/mpi/floors.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/median.hpp"

namespace berkeley::mpi::bench {
namespace {

Nanoseconds elapsed_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<Nanoseconds>(std::chrono::steady_clock::now() - start);
}

// the slowest rank's median
Nanoseconds slowest_median(const boost::mpi::communicator& comm, std::vector<Nanoseconds> samples) {
  std::int64_t mine = median_of(std::move(samples)).count();
  std::int64_t slowest = 0;
  MPI_Allreduce(&mine, &slowest, 1, MPI_INT64_T, MPI_MAX, comm);
  return Nanoseconds{slowest};
}

}  // namespace

Nanoseconds median_of(std::vector<Nanoseconds> values) {
  if (values.empty()) return Nanoseconds{0};
  return upper_median(std::move(values));
}

Nanoseconds time_gather_scatter(const boost::mpi::communicator& comm) {
  std::vector<std::int64_t> gathered(static_cast<std::size_t>(comm.size()));
  std::int64_t value = comm.rank();
  MPI_Barrier(comm);
  const auto start = std::chrono::steady_clock::now();
  MPI_Gather(&value, 1, MPI_INT64_T, gathered.data(), 1, MPI_INT64_T, 0, comm);
  MPI_Scatter(gathered.data(), 1, MPI_INT64_T, &value, 1, MPI_INT64_T, 0, comm);
  return elapsed_since(start);
}

Floors measure_floors(const boost::mpi::communicator& comm, int repetitions) {
  Floors floors;
  std::vector<Nanoseconds> samples;
  MPI_Barrier(comm);
  for (int i = 0; i < repetitions; ++i) {
    const auto start = std::chrono::steady_clock::now();
    MPI_Barrier(comm);
    samples.push_back(elapsed_since(start));
  }
  floors.barrier_ns = slowest_median(comm, samples);

  samples.clear();
  for (int i = 0; i < repetitions; ++i) samples.push_back(time_gather_scatter(comm));
  floors.gather_scatter_ns = slowest_median(comm, samples);

  // ping-pong between rank 0 and each other rank in turn; the others wait at the barrier
  std::int64_t worst_half_rtt = 0;
  for (int peer = 1; peer < comm.size(); ++peer) {
    MPI_Barrier(comm);
    std::int64_t best = INT64_MAX;
    std::int64_t token = 0;
    for (int i = 0; i < repetitions; ++i) {
      if (comm.rank() == 0) {
        const auto start = std::chrono::steady_clock::now();
        MPI_Send(&token, 1, MPI_INT64_T, peer, 7, comm);
        MPI_Recv(&token, 1, MPI_INT64_T, peer, 7, comm, MPI_STATUS_IGNORE);
        best = std::min(best, elapsed_since(start).count());
      } else if (comm.rank() == peer) {
        MPI_Recv(&token, 1, MPI_INT64_T, 0, 7, comm, MPI_STATUS_IGNORE);
        MPI_Send(&token, 1, MPI_INT64_T, 0, 7, comm);
      }
    }
    if (comm.rank() == 0) worst_half_rtt = std::max(worst_half_rtt, best / 2);
  }
  MPI_Bcast(&worst_half_rtt, 1, MPI_INT64_T, 0, comm);
  floors.half_min_rtt_ns = Nanoseconds{worst_half_rtt};
  return floors;
}

}  // namespace berkeley::mpi::bench
