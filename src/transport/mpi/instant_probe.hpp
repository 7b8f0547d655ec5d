#pragma once
// Ground truth for the report: every rank reads its clock, raw and corrected, at one shared instant of
// a reference clock that all ranks of a host share (CLOCK_MONOTONIC). Rank 0 picks the instant; a rank in
// another clock domain (clock/clock_domain.hpp) reads at about that moment instead (the spreads are then estimated).
#include <boost/mpi/communicator.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "clock/corrected_clock.hpp"
#include "clock/shared_instant.hpp"

namespace berkeley::mpi {

// Collective. Rank 0 gets one reading per rank; the other ranks get an empty vector.
// `later_ns`: further instants after the shared one (e.g. 1 s, 10 s), evaluated where the clock is exact.
// `on_instant`: called on rank 0 with the instant as soon as it is chosen, before the ranks learn it (to ask
// other clocks, such as guests', to read there too).
[[nodiscard]] std::vector<InstantObservation> probe_shared_instant(
    const boost::mpi::communicator& comm, const CorrectedClock& clock, const Clock& reference, Nanoseconds lead_ns,
    const std::vector<Nanoseconds>& later_ns = {}, const std::function<void(ClockReading)>& on_instant = {});

// Where a rank runs: its processor name, and which CLOCK_MONOTONIC it reads (clock/clock_domain.hpp).
struct RankPlace {
  std::string host;
  std::optional<std::string> clock_domain;
};

// Collective. Rank 0 gets every rank's place; the other ranks get an empty vector.
[[nodiscard]] std::vector<RankPlace> gather_places(const boost::mpi::communicator& comm);

}  // namespace berkeley::mpi
