#pragma once
// The client's side of BERKELEY/1 as a handler that knows no sockets: a message from the master goes in,
// the reply line (if any) and what became of the session come out. berkeley_client drives it over one
// socket; the benchmark drives a thousand of them over one event loop.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "clock/corrected_clock.hpp"
#include "transport/tcp/protocol.hpp"

namespace berkeley::tcp {

enum class SessionState {
  joining,   // HELLO sent, waiting for WELCOME
  joined,    // answering POLL / ADJUST / PROBE
  finished,  // the master said BYE: success
  refused,   // the master did not admit us (REFUSED)
  failed,    // the master reported an error or broke the protocol
};

struct SessionStep {
  std::optional<std::string> reply;  // a line to send back, "\n" included
  SessionState state = SessionState::joined;
  std::string note;  // for finished / refused / failed: one line saying why
};

class ClientSession {
 public:
  // `underlying` is this client's clock before any adjustment; `reference` is CLOCK_MONOTONIC, the clock a
  // PROBE names its instant on, and `reference_domain` which one it is (clock/clock_domain.hpp; stated in
  // the HELLO when known). A PROBE further ahead than max_probe_wait is refused (no unbounded wait).
  ClientSession(std::int64_t client_id, const Clock& underlying, const Clock& reference, Nanoseconds max_probe_wait,
                std::ostream& out, std::optional<std::string> reference_domain = std::nullopt);

  // A keyed session (BERKELEY/2): the HELLO carries `nonce`, a CHALLENGE is answered with JOIN, and the WELCOME
  // must be a keyed one. The seals themselves are the link's (ClientLink::expect_keyed_session).
  void use_key(const Nonce& nonce) { nonce_ = nonce; }

  [[nodiscard]] std::string hello_line() const;
  SessionStep on_message(const MasterMessage& message);

  [[nodiscard]] SessionState state() const { return state_; }
  [[nodiscard]] const CorrectedClock& clock() const { return clock_; }
  [[nodiscard]] std::int64_t rounds_adjusted() const { return rounds_adjusted_; }

 private:
  SessionStep end(SessionState state, std::string note);
  SessionStep on(const Welcome& m);
  SessionStep on(const Refused& m);
  SessionStep on(const Error& m);
  SessionStep on(const Poll& m);
  SessionStep on(const Adjust& m);
  SessionStep on(const Probe& m);
  SessionStep on(const Bye& m);
  SessionStep on(const Challenge& m);

  std::int64_t client_id_;
  std::optional<std::string> reference_domain_;
  std::optional<Nonce> nonce_;
  bool challenged_ = false;
  CorrectedClock clock_;
  const Clock& reference_;
  Nanoseconds max_probe_wait_;
  std::ostream& out_;
  SessionState state_ = SessionState::joining;
  std::int64_t last_round_ = 0;
  std::int64_t rounds_adjusted_ = 0;
};

}  // namespace berkeley::tcp
