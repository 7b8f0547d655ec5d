#include "transport/tcp/shared_instant_probe.hpp"

#include <algorithm>
#include <ostream>

#include "clock/shared_instant.hpp"
#include "core/duration_text.hpp"
#include "transport/tcp/clock_distance.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {
namespace {

enum class Wait { pending, answered, failed };

InstantObservation observation(ClockReading raw_ns, ClockReading corrected_ns, Nanoseconds window_ns) {
  InstantObservation o;
  o.raw_ns = raw_ns;
  o.corrected_ns = corrected_ns;
  o.read_window_ns = window_ns;
  return o;
}

// looks at what a member sent for the READING of `instant`; stale TIME answers are skipped
Wait take_reading(Connection& c, std::int64_t instant, const InstantObservation& master, Nanoseconds sent_total,
                  std::optional<InstantObservation>& out, std::ostream& log) {
  std::deque<Inbound>& inbox = c.inbox();
  while (!inbox.empty()) {
    const Inbound in = std::move(inbox.front());
    inbox.pop_front();
    if (std::holds_alternative<TimeReply>(in.message)) continue;  // late answer to a poll that timed out
    const auto* reading = std::get_if<Reading>(&in.message);
    if (reading == nullptr) {
      c.fail(std::string(command_name(in.message)) + " when READING was expected");
      break;
    }
    if (reading->instant_ns != instant) {
      c.fail("READING for instant " + std::to_string(reading->instant_ns) + ", but PROBE named " +
             std::to_string(instant));
      break;
    }
    if (!within(reading->raw_ns, master.raw_ns, kMaxClockOffset) ||
        !within(reading->corrected_ns, master.raw_ns, kMaxClockOffset)) {
      c.fail("READING out of range (a clock more than " + format_duration(kMaxClockOffset) + " from the master's)");
      break;
    }
    if (reading->corrected_ns - reading->raw_ns != sent_total) {
      log << c.label() << ": reports a total correction of " << format_duration(reading->corrected_ns - reading->raw_ns)
          << ", but was sent " << format_duration(sent_total) << '\n';
    }
    out = observation(reading->raw_ns, reading->corrected_ns, reading->window_ns);
    return Wait::answered;
  }
  return c.open() ? Wait::pending : Wait::failed;
}

}  // namespace

std::vector<bool> send_probes(const std::vector<Member>& members, const std::vector<bool>& shares_master_clock,
                              const Clock& reference, ClockReading instant) {
  std::vector<bool> asked(members.size(), false);
  for (std::size_t i = 0; i < members.size(); ++i) {
    Connection& c = *members[i].connection;
    if (!c.open()) continue;
    Probe probe{reading_ns(instant)};
    if (!shares_master_clock.at(i)) probe.delay_ns = std::max(Nanoseconds{0}, instant - reference.now()).count();
    c.send(format_line(probe));
    asked[i] = true;
  }
  return asked;
}

ProbeResult collect_readings(IoDriver& io, const std::vector<Member>& members, const std::vector<bool>& asked,
                             ClockReading instant, const InstantObservation& master, const Clock& reference,
                             Nanoseconds timeout, const std::vector<Nanoseconds>& sent_corrections_ns,
                             std::ostream& log) {
  ProbeResult result;
  result.master = master;
  result.members.assign(members.size(), std::nullopt);
  result.failures.assign(members.size(), std::string());
  std::vector<Wait> waits(members.size(), Wait::pending);
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (!asked[i]) waits[i] = Wait::failed;
  }
  const SteadyTime deadline = deadline_after(std::max(Nanoseconds{0}, instant - reference.now()) + timeout);
  io.run_until(deadline, [&] {
    bool all_in = true;
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (waits[i] == Wait::pending) {
        waits[i] = take_reading(*members[i].connection, reading_ns(instant), result.master, sent_corrections_ns[i],
                                result.members[i], log);
      }
      all_in = all_in && waits[i] != Wait::pending;
    }
    return all_in;
  });
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (waits[i] == Wait::failed) result.failures[i] = members[i].connection->close_reason();
    if (waits[i] == Wait::pending)
      result.failures[i] = "no READING within " + format_duration(timeout) + " of the instant";
  }
  return result;
}

ProbeResult probe_shared_instant(IoDriver& io, const std::vector<Member>& members,
                                 const std::vector<bool>& shares_master_clock, const CorrectedClock& master_clock,
                                 const Clock& reference, Nanoseconds lead, Nanoseconds timeout,
                                 const std::vector<Nanoseconds>& sent_corrections_ns, std::ostream& log) {
  const ClockReading instant = reference.now() + lead;
  const std::vector<bool> asked = send_probes(members, shares_master_clock, reference, instant);
  // the lines are on their way (written at once); the master's own read blocks until the instant
  const InstantReading own = read_at_instant(master_clock.underlying(), reference, instant);
  const InstantObservation master = observation(own.clock_ns, master_clock.corrected(own.clock_ns), own.read_window_ns);
  return collect_readings(io, members, asked, instant, master, reference, timeout, sent_corrections_ns, log);
}

}  // namespace berkeley::tcp
