#pragma once
// The group master's view of its group, independent of how messages travel (MPI, TCP, a simulation).
// The measurement methods (sync/measure.hpp) are written against this interface only, so the same
// Berkeley code runs on every transport. Member 0 is the master itself.
#include <optional>
#include <thread>
#include <vector>

#include "core/offset_estimate.hpp"

namespace berkeley {

// One request to every member at once, as the collective method does it.
struct CollectiveReadings {
  ClockReading t_send_ns{};                              // master's clock just before the request went out
  ClockReading t_recv_ns{};                              // master's clock once every reading was in
  std::vector<std::optional<ClockReading>> readings_ns;  // per member; nullopt: no answer in time
};

class GroupChannel {
 public:
  virtual ~GroupChannel() = default;
  // members, the master included
  [[nodiscard]] virtual int size() const = 0;
  // one request/reply exchange with member (1 ≤ member < size()), timed on the master's clock;
  // nullopt when the member did not answer in time (it is then not asked again this round)
  [[nodiscard]] virtual std::optional<OffsetSample> exchange(int member) = 0;
  // the master will turn to `member` next: a hint so that a responder waiting idly can get ready
  // (transports with nothing to do ignore it)
  virtual void prepare(int member) { (void)member; }
  // the master will not call exchange(member) again this round (a responder may stop listening)
  virtual void release(int member) = 0;
  // the master waits `pause_ns` before measuring the same member again (patience under load), where the
  // transport can, somewhere a busy neighbour is not (the default only sleeps)
  virtual void pause(Nanoseconds pause_ns);
};

inline void GroupChannel::pause(Nanoseconds pause_ns) { std::this_thread::sleep_for(pause_ns); }

// A channel over which the master can also ask every member at once (the simulation): its members
// only answer what they are asked. MPI's collective method needs no request, since every rank enters
// MPI_Gather by program order (see core/two_leg_estimate.hpp), so its channel is only a GroupChannel.
class RequestAllChannel : public GroupChannel {
 public:
  // one request to all members and their readings back, into `got`
  virtual void request_all(CollectiveReadings& got) = 0;
};

}  // namespace berkeley
