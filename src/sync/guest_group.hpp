#pragma once
// Members of one sync group that are not ranks of the MPI communicator (TCP clients on machines without
// MPI): the master (rank 0) measures and corrects them itself, in the same rounds as the ranks, so the one
// fault-tolerant average covers every clock. The MPI layer sees only this interface; transport/tcp's
// TcpGuests implements it. Member g of the guests is member (ranks + g) of the group.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clock/shared_instant.hpp"
#include "core/interval_audit.hpp"
#include "sync/measure.hpp"

namespace berkeley {

class GuestGroup {
 public:
  virtual ~GuestGroup() = default;
  [[nodiscard]] virtual int size() const = 0;
  // One round's measurement, timed on the master's clock: one estimate per guest (nullopt: it did not answer
  // within the timeout, and is left out of this round). Valid until the next measure().
  [[nodiscard]] virtual const GroupEstimates& measure() = 0;
  // The step's corrections (over the whole group); guest g gets correction [first + g] when it answered.
  virtual void deliver(const GroupStep& step, std::size_t first) = 0;
  // After a drift fit: guest g's correction in all becomes total_ns[g] (it is sent what it lacks of it),
  // an offset only (the guests take no rates); nullopt leaves guest g as it is.
  virtual void correct_in_all(const std::vector<std::optional<Nanoseconds>>& total_ns) = 0;
  // Let `pause_ns` pass, serving the guests meanwhile (between rounds).
  virtual void wait(Nanoseconds pause_ns) = 0;
  // The independent audit after the rounds: per guest, nullopt where it gave no sample.
  [[nodiscard]] virtual std::vector<std::optional<AuditEstimate>> audit(int exchanges_per_guest) = 0;
  // The shared instant (instant_ns on the master's reference clock): asks every guest to read its clock
  // there, before the instant; then, after it, collects what they read (nullopt: no reading, see failure()).
  virtual void ask_to_read_at(ClockReading instant_ns) = 0;
  [[nodiscard]] virtual std::vector<std::optional<InstantObservation>> readings(const InstantObservation& master) = 0;
  // Ends the session: every guest is told why.
  virtual void close(const std::string& reason) = 0;

  // Who guest g is, for the report.
  [[nodiscard]] virtual std::int64_t id(int guest) const = 0;
  [[nodiscard]] virtual std::string host(int guest) const = 0;
  [[nodiscard]] virtual std::optional<std::string> clock_domain(int guest) const = 0;
  // why guest g last went missing ("" if it did not)
  [[nodiscard]] virtual std::string failure(int guest) const = 0;
};

}  // namespace berkeley
