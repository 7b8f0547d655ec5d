#include "transport/tcp/client.hpp"

#include <ostream>
#include <stdexcept>
#include <utility>

#include "clock/clock_choice.hpp"
#include "clock/clock_domain.hpp"
#include "clock/monotonic_clock.hpp"
#include "core/duration_text.hpp"
#include "transport/tcp/auth_framing.hpp"
#include "transport/tcp/client_link.hpp"
#include "transport/tcp/client_session.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {

Client::Client(ClientConfig config, const Clock& local) : Client(std::move(config), local, own_reference_, "local") {}

Client::Client(ClientConfig config, const Clock& local, const MonotonicClock& reference, std::string clock_name)
    : config_(std::move(config)),
      clock_name_(std::move(clock_name)),
      reference_(reference),
      progress_(nullptr),
      // the HELLO says which CLOCK_MONOTONIC this client reads: the master measures the truth only where all match
      session_(config_.client_id, local, reference_, config_.timeout_ns, progress_, monotonic_clock_domain()) {}

RunStatus Client::run(std::ostream& out, std::ostream& err) {
  if (std::exchange(ran_, true)) throw std::logic_error("berkeley::tcp::Client::run: a Client runs one session");
  if (!config_.quiet) {
    progress_.copyfmt(out);                   // out's formatting and locale,
    progress_.exceptions(std::ios::goodbit);  // but never a throw (nor from detaching below)
    progress_.rdbuf(out.rdbuf());
  }  // quiet: no buffer, every write is discarded
  struct Detach {
    std::ostream& progress;
    ~Detach() { progress.rdbuf(nullptr); }  // nothing written after run() reaches `out`
  } detach{progress_};
  return run_session(err);
}

RunStatus Client::run_session(std::ostream& err) {
  const std::string where = config_.host + ":" + std::to_string(config_.port);
  const auto fail = [&](RunStatus status, const std::string& message) {
    err << "berkeley_client " << config_.client_id << ": " << message << std::endl;
    return status;
  };

  IoDriver io;
  ClientLink link(io);
  if (const auto problem = link.connect(config_.host, config_.port, deadline_after(config_.timeout_ns))) {
    return fail(RunStatus::network_error,
                *problem + " (gave up after --timeout " + format_duration(config_.timeout_ns) + ")");
  }
  progress_ << "client " << config_.client_id << ": connected to " << where << ", " << clock_name_ << " clock reads "
            << format_duration(session_.clock().now().time_since_epoch()) << std::endl;
  if (config_.key) {  // keyed: our share of the nonce goes in the HELLO, the master's comes sealed with CHALLENGE
    const Nonce nonce = random_nonce();
    session_.use_key(nonce);
    link.expect_keyed_session(*config_.key, nonce);
  }
  if (const auto problem = link.send(session_.hello_line(), deadline_after(config_.timeout_ns))) {
    return fail(RunStatus::network_error, "HELLO to " + where + ": " + *problem);
  }

  for (;;) {
    const bool joining = session_.state() == SessionState::joining;
    const Nanoseconds wait = joining ? config_.timeout_ns : config_.idle_timeout_ns;
    const Received got = link.receive(deadline_after(wait));
    switch (got.kind) {
      case Received::Kind::timeout:
        return fail(RunStatus::network_error,
                    joining ? "the master at " + where + " did not answer HELLO within " + format_duration(wait)
                            : "the master said nothing for " + format_duration(wait) + "; giving up");
      case Received::Kind::closed:
        return fail(RunStatus::network_error, got.reason + " without BYE (master gone?) after " +
                                                  std::to_string(session_.rounds_adjusted()) + " adjustment(s)");
      case Received::Kind::bad:
        (void)link.send(format_line(Error{"malformed line: " + got.reason}), deadline_after(config_.timeout_ns));
        return fail(RunStatus::network_error, "the master sent a malformed line: " + got.reason);
      case Received::Kind::message:
        break;
    }
    const SessionStep step = session_.on_message(*got.message);
    progress_.flush();
    if (step.reply) {
      if (const auto problem = link.send(*step.reply, deadline_after(config_.timeout_ns))) {
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
          (void)link.send(format_line(Error{step.note}), deadline_after(config_.timeout_ns));
        }
        return fail(RunStatus::network_error, step.note);
    }
  }
}

RunStatus run_client(const ClientConfig& config, std::ostream& out, std::ostream& err) {
  const MonotonicClock reference{};
  const std::unique_ptr<Clock> local =
      make_clock(config.clock, static_cast<std::uint64_t>(config.client_id), reference);
  return Client(config, *local, reference, clock_kind_name(config.clock.kind)).run(out, err);
}

}  // namespace berkeley::tcp
