#include "transport/mpi/collective_round.hpp"

#include <boost/mpi/collectives.hpp>
#include <cstdint>

namespace berkeley::mpi {

namespace bmpi = boost::mpi;
constexpr int kMaster = 0;

std::vector<OffsetEstimate> measure_offsets_collective(const bmpi::communicator& comm, const Clock& clock) {
  std::int32_t request = 1;
  if (comm.rank() != kMaster) {
    bmpi::broadcast(comm, request, kMaster);
    const std::int64_t reading = clock.now().count();
    bmpi::gather(comm, reading, kMaster);
    return {};
  }
  const ClockReading t_send = clock.now();
  bmpi::broadcast(comm, request, kMaster);
  std::vector<std::int64_t> readings;
  bmpi::gather(comm, t_send.count(), readings, kMaster);
  const ClockReading t_recv = clock.now();

  std::vector<OffsetEstimate> estimates;
  estimates.reserve(readings.size());
  estimates.push_back(OffsetEstimate{});  // the master against itself
  for (std::size_t rank = 1; rank < readings.size(); ++rank) {
    estimates.push_back(cristian_estimate(OffsetSample{t_send, Nanoseconds{readings[rank]}, t_recv}));
  }
  return estimates;
}

Nanoseconds scatter_corrections(const bmpi::communicator& comm, std::span<const Nanoseconds> corrections_ns) {
  std::int64_t mine = 0;
  if (comm.rank() == kMaster) {
    std::vector<std::int64_t> values;
    values.reserve(corrections_ns.size());
    for (const Nanoseconds c : corrections_ns) values.push_back(c.count());
    bmpi::scatter(comm, values, mine, kMaster);
  } else {
    bmpi::scatter(comm, mine, kMaster);
  }
  return Nanoseconds{mine};
}

}  // namespace berkeley::mpi
