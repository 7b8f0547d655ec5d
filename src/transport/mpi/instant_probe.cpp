#include "transport/mpi/instant_probe.hpp"

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <cstdint>
#include <limits>

#include "clock/clock_domain.hpp"
#include "clock/shared_instant.hpp"

namespace berkeley::mpi {

namespace bmpi = boost::mpi;
namespace {
constexpr std::int64_t kUnknown = std::numeric_limits<std::int64_t>::min();

std::int64_t encode(const std::optional<ClockReading>& value) { return value ? value->count() : kUnknown; }
std::optional<ClockReading> decode(std::int64_t value) {
  if (value == kUnknown) return std::nullopt;
  return Nanoseconds{value};
}
}  // namespace

std::vector<InstantObservation> probe_shared_instant(const bmpi::communicator& comm, const CorrectedClock& clock,
                                                     const Clock& reference, Nanoseconds lead_ns,
                                                     const std::vector<Nanoseconds>& later_ns) {
  std::int64_t instant = 0;
  if (comm.rank() == 0) instant = (reference.now() + lead_ns).count();
  bmpi::broadcast(comm, instant, 0);

  const InstantReading raw = read_at_instant(clock.underlying(), reference, ClockReading{instant});
  // per rank: raw, corrected, window, then (raw, corrected) for each later instant
  std::vector<std::int64_t> mine{raw.clock_ns.count(), clock.corrected(raw.clock_ns).count(), raw.read_window_ns.count()};
  for (const Nanoseconds later : later_ns) {
    const ClockReading at = ClockReading{instant} + later;
    mine.push_back(encode(clock.underlying().exact_at(reference, at)));
    mine.push_back(encode(clock.exact_at(reference, at)));
  }
  const std::size_t per_rank = mine.size();
  std::vector<std::int64_t> all;
  bmpi::gather(comm, mine.data(), static_cast<int>(per_rank), all, 0);

  std::vector<InstantObservation> observations;
  for (std::size_t i = 0; i + per_rank <= all.size(); i += per_rank) {
    InstantObservation o{Nanoseconds{all[i]}, Nanoseconds{all[i + 1]}, Nanoseconds{all[i + 2]}, {}, {}};
    for (std::size_t k = 0; k < later_ns.size(); ++k) {
      o.later_raw_ns.push_back(decode(all[i + 3 + 2 * k]));
      o.later_corrected_ns.push_back(decode(all[i + 4 + 2 * k]));
    }
    observations.push_back(std::move(o));
  }
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
