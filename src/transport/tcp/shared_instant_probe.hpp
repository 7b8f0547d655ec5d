#pragma once
// Ground truth for the master's report: the master names an instant of CLOCK_MONOTONIC (shared by every
// process of one host), every client reads its clock there, raw and corrected, and sends the readings
// back (PROBE / READING). The master reads its own clock at the same instant.
#include <optional>
#include <string>
#include <vector>

#include "clock/corrected_clock.hpp"
#include "clock/shared_instant.hpp"
#include "transport/tcp/io_driver.hpp"
#include "transport/tcp/lobby.hpp"

namespace berkeley::tcp {

struct ProbeResult {
  InstantObservation master;
  std::vector<std::optional<InstantObservation>> members;  // per member, in the order given
  std::vector<std::string> failures;                       // per member: why there is no reading ("" if there is)
};

// Sends PROBE to every open member, reads the master's clock at the instant (now + lead), and waits for
// the READINGs until `timeout` after the instant. A READING for another instant, or out of range, drops
// that member. Readings are checked against the corrections the master sent (`sent_corrections_ns`,
// per member): a client that reports another total is logged. `shares_master_clock` (per member): whether
// it reads the master's CLOCK_MONOTONIC; a member that does not is sent the time left until the instant
// instead (PROBE <instant_ns> <delay_ns>), since the instant means nothing on its clock.
// The same in two halves, for a master that also reads other clocks at the instant (berkeley_mpi
// --serve-tcp): PROBE for `instant` to every open member (false where it is closed) ...
[[nodiscard]] std::vector<bool> send_probes(const std::vector<Member>& members,
                                            const std::vector<bool>& shares_master_clock, const Clock& reference,
                                            ClockReading instant);
// ... and, after the instant, their READINGs until `timeout` after it (asked[i]: sent_probes' answer).
[[nodiscard]] ProbeResult collect_readings(IoDriver& io, const std::vector<Member>& members,
                                           const std::vector<bool>& asked, ClockReading instant,
                                           const InstantObservation& master, const Clock& reference,
                                           Nanoseconds timeout, const std::vector<Nanoseconds>& sent_corrections_ns,
                                           std::ostream& log);

[[nodiscard]] ProbeResult probe_shared_instant(IoDriver& io, const std::vector<Member>& members,
                                               const std::vector<bool>& shares_master_clock,
                                               const CorrectedClock& master_clock, const Clock& reference,
                                               Nanoseconds lead, Nanoseconds timeout,
                                               const std::vector<Nanoseconds>& sent_corrections_ns, std::ostream& log);

}  // namespace berkeley::tcp
