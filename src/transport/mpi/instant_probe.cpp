#include "transport/mpi/instant_probe.hpp"

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <cstdint>

#include "clock/clock_domain.hpp"
#include "clock/shared_instant.hpp"
#include "transport/mpi/messages.hpp"

namespace berkeley::mpi {

namespace bmpi = boost::mpi;

std::vector<InstantObservation> probe_shared_instant(const bmpi::communicator& comm, const CorrectedClock& clock,
                                                     const Clock& reference, Nanoseconds lead_ns,
                                                     const std::vector<Nanoseconds>& later_ns,
                                                     const std::function<void(ClockReading)>& on_instant) {
  // Rank 0 names the instant on its CLOCK_MONOTONIC. A rank that reads the same one (same clock domain) waits
  // for it: the readings are ground truth. On another clock (another kernel, a time namespace) that instant
  // means nothing, and waiting for it could take days: such a rank reads lead_ns after the broadcast reached
  // it, about the same moment (the broadcast's delay apart), and the report says the spreads are estimated.
  const std::optional<std::string> mine = monotonic_clock_domain();
  std::string master_domain = comm.rank() == 0 ? mine.value_or("-") : std::string();
  bmpi::broadcast(comm, master_domain, 0);
  const bool shares_master_clock = same_clock_domain(mine, master_domain);
  std::int64_t instant = 0;
  if (comm.rank() == 0) {
    instant = reading_ns(reference.now() + lead_ns);
    if (on_instant) on_instant(at_ns(instant));
  }
  bmpi::broadcast(comm, instant, 0);
  const ClockReading at = shares_master_clock ? at_ns(instant) : reference.now() + lead_ns;

  const InstantReading raw = read_at_instant(clock.underlying(), reference, at);
  InstantObservation mine_read{raw.clock_ns, clock.corrected(raw.clock_ns), raw.read_window_ns, {}, {}};
  for (const Nanoseconds later : later_ns) {
    const ClockReading then = at + later;
    mine_read.later_raw_ns.push_back(clock.underlying().exact_at(reference, then));
    mine_read.later_corrected_ns.push_back(clock.exact_at(reference, then));
  }
  std::vector<InstantObservation> observations;  // serialized (transport/mpi/messages.hpp): their size varies
  bmpi::gather(comm, mine_read, observations, 0);
  return observations;
}

std::vector<RankPlace> gather_places(const bmpi::communicator& comm) {
  // one string per rank: "<domain> <host>" (a domain has no space; "-" where it is not known)
  const std::optional<std::string> domain = monotonic_clock_domain();
  std::vector<std::string> all;
  bmpi::gather(comm, domain.value_or("-") + " " + bmpi::environment::processor_name(), all, 0);
  std::vector<RankPlace> places;
  for (const std::string& text : all) {
    const std::size_t space = text.find(' ');
    const std::string stated = text.substr(0, space);
    places.push_back(RankPlace{text.substr(space + 1), stated == "-" ? std::nullopt : std::optional(stated)});
  }
  return places;
}

}  // namespace berkeley::mpi
