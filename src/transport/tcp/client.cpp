#include "transport/tcp/client.hpp"

#include <ostream>

#include "clock/clock_choice.hpp"
#include "clock/clock_domain.hpp"
#include "clock/monotonic_clock.hpp"
#include "core/duration_text.hpp"
#include "transport/tcp/client_link.hpp"
#include "transport/tcp/client_session.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {

RunStatus run_client(const ClientConfig& config, std::ostream& out, std::ostream& err) {
  std::ostream quiet_out(nullptr);  // no buffer: every write is discarded
  std::ostream& progress = config.quiet ? quiet_out : out;
  const std::string where = config.host + ":" + std::to_string(config.port);
  const auto fail = [&](RunStatus status, const std::string& message) {
    err << "berkeley_client " << config.client_id << ": " << message << std::endl;
    return status;
  };

  const MonotonicClock reference{};
  const std::unique_ptr<Clock> local =
      make_clock(config.clock, static_cast<std::uint64_t>(config.client_id), reference);
  // the HELLO says which CLOCK_MONOTONIC this client reads: the master measures the truth only where all match
  ClientSession session(config.client_id, *local, reference, config.timeout_ns, progress, monotonic_clock_domain());

  IoDriver io;
  ClientLink link(io);
  if (const auto problem = link.connect(config.host, config.port, deadline_after(config.timeout_ns))) {
    return fail(RunStatus::network_error,
                *problem + " (gave up after --timeout " + format_duration(config.timeout_ns) + ")");
  }
  progress << "client " << config.client_id << ": connected to " << where << ", " << clock_kind_name(config.clock.kind)
           << " clock reads " << format_duration(session.clock().now().time_since_epoch()) << std::endl;
  if (const auto problem = link.send(session.hello_line(), deadline_after(config.timeout_ns))) {
    return fail(RunStatus::network_error, "HELLO to " + where + ": " + *problem);
  }

  for (;;) {
    const bool joining = session.state() == SessionState::joining;
    const Nanoseconds wait = joining ? config.timeout_ns : config.idle_timeout_ns;
    const Received got = link.receive(deadline_after(wait));
    switch (got.kind) {
      case Received::Kind::timeout:
        return fail(RunStatus::network_error,
                    joining ? "the master at " + where + " did not answer HELLO within " + format_duration(wait)
                            : "the master said nothing for " + format_duration(wait) + "; giving up");
      case Received::Kind::closed:
        return fail(RunStatus::network_error, got.reason + " without BYE (master gone?) after " +
                                                  std::to_string(session.rounds_adjusted()) + " adjustment(s)");
      case Received::Kind::bad:
        (void)link.send(format_line(Error{"malformed line: " + got.reason}), deadline_after(config.timeout_ns));
        return fail(RunStatus::network_error, "the master sent a malformed line: " + got.reason);
      case Received::Kind::message:
        break;
    }
    const SessionStep step = session.on_message(*got.message);
    progress.flush();
    if (step.reply) {
      if (const auto problem = link.send(*step.reply, deadline_after(config.timeout_ns))) {
        return fail(RunStatus::network_error, "answering the master: " + *problem);
      }
    }
    switch (step.state) {
      case SessionState::joining:
      case SessionState::joined:
        break;
      case SessionState::finished:
        link.close();
        return RunStatus::ok;
      case SessionState::refused:
        return fail(RunStatus::refused, step.note);
      case SessionState::failed:
        // tell the master why we give up, unless it is the one that reported an error
        if (!std::holds_alternative<Error>(*got.message)) {
          (void)link.send(format_line(Error{step.note}), deadline_after(config.timeout_ns));
        }
        return fail(RunStatus::network_error, step.note);
    }
  }
}

}  // namespace berkeley::tcp
