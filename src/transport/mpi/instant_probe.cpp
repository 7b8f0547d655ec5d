#include "transport/mpi/instant_probe.hpp"

#include <array>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <cstdint>

#include "clock/shared_instant.hpp"

namespace berkeley::mpi {

namespace bmpi = boost::mpi;

std::vector<InstantObservation> probe_shared_instant(const bmpi::communicator& comm, const CorrectedClock& clock,
                                                     const Clock& reference, Nanoseconds lead_ns) {
  std::int64_t instant = 0;
  if (comm.rank() == 0) instant = (reference.now() + lead_ns).count();
  bmpi::broadcast(comm, instant, 0);

  const InstantReading raw = read_at_instant(clock.underlying(), reference, ClockReading{instant});
  const std::array<std::int64_t, 3> mine{raw.clock_ns.count(), clock.corrected(raw.clock_ns).count(),
                                         raw.read_window_ns.count()};
  std::vector<std::int64_t> all;
  bmpi::gather(comm, mine.data(), static_cast<int>(mine.size()), all, 0);

  std::vector<InstantObservation> observations;
  for (std::size_t i = 0; i + 2 < all.size(); i += 3) {
    observations.push_back(InstantObservation{Nanoseconds{all[i]}, Nanoseconds{all[i + 1]}, Nanoseconds{all[i + 2]}});
  }
  return observations;
}

std::vector<std::string> gather_host_names(const bmpi::communicator& comm) {
  std::vector<std::string> names;
  bmpi::gather(comm, bmpi::environment::processor_name(), names, 0);
  return names;
}

}  // namespace berkeley::mpi
