#include "transport/tcp/client_session.hpp"

#include <ostream>
#include <utility>

#include "clock/shared_instant.hpp"
#include "core/duration_text.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {

ClientSession::ClientSession(std::int64_t client_id, const Clock& underlying, const Clock& reference,
                             Nanoseconds max_probe_wait, std::ostream& out, std::optional<std::string> reference_domain)
    : client_id_(client_id),
      reference_domain_(std::move(reference_domain)),
      clock_(underlying),
      reference_(reference),
      max_probe_wait_(max_probe_wait),
      out_(out) {}

std::string ClientSession::hello_line() const { return format_line(Hello{client_id_, reference_domain_, nonce_}); }

SessionStep ClientSession::on_message(const MasterMessage& message) {
  if (state_ != SessionState::joining && state_ != SessionState::joined) {
    return SessionStep{std::nullopt, state_, "the session is already over"};
  }
  return std::visit([this](const auto& m) { return on(m); }, message);
}

SessionStep ClientSession::end(SessionState state, std::string note) {
  state_ = state;
  return SessionStep{std::nullopt, state, std::move(note)};
}

SessionStep ClientSession::on(const Welcome& m) {
  if (state_ != SessionState::joining) return end(SessionState::failed, "master sent WELCOME twice");
  if (m.keyed != nonce_.has_value() || (nonce_ && !challenged_)) {
    return end(SessionState::failed, nonce_ ? "a keyed client was welcomed without the key's CHALLENGE"
                                            : "master welcomed us to a keyed session, but this client has no key");
  }
  if (m.client_id != client_id_) {
    return end(SessionState::failed, "master welcomed id " + std::to_string(m.client_id) + ", but this is client " +
                                         std::to_string(client_id_));
  }
  state_ = SessionState::joined;
  out_ << "joined as client " << client_id_ << " (the master waits for " << m.clients << " clients), clock "
       << format_duration(clock_.now().time_since_epoch()) << '\n';
  return SessionStep{std::nullopt, state_, {}};
}

SessionStep ClientSession::on(const Refused& m) { return end(SessionState::refused, "master refused us: " + m.reason); }

SessionStep ClientSession::on(const Error& m) {
  return end(SessionState::failed, "master reported an error: " + m.reason);
}

SessionStep ClientSession::on(const Poll& m) {
  if (state_ != SessionState::joined) return end(SessionState::failed, "master sent POLL before WELCOME");
  return SessionStep{format_line(TimeReply{m.seq, clock_.now()}), state_, {}};
}

SessionStep ClientSession::on(const Adjust& m) {
  if (state_ != SessionState::joined) return end(SessionState::failed, "master sent ADJUST before WELCOME");
  if (m.round <= last_round_) {
    return end(SessionState::failed, "master sent ADJUST for round " + std::to_string(m.round) + " after round " +
                                         std::to_string(last_round_) + ": refusing to apply it");
  }
  last_round_ = m.round;
  const ClockReading before = clock_.now();
  clock_.apply(m.delta_ns);  // the codec has bounded |delta| to kMaxAdjustment; the sign is kept
  ++rounds_adjusted_;
  out_ << "round " << m.round << ": clock before " << format_duration(before.time_since_epoch()) << ", adjust by "
       << format_duration(m.delta_ns) << ", after " << format_duration((before + m.delta_ns).time_since_epoch())
       << '\n';
  return SessionStep{std::nullopt, state_, {}};
}

SessionStep ClientSession::on(const Probe& m) {
  if (state_ != SessionState::joined) return end(SessionState::failed, "master sent PROBE before WELCOME");
  // In the master's clock domain the instant is one on our CLOCK_MONOTONIC; in another, only the delay means
  // anything here: read that long after the PROBE arrived.
  const ClockReading now = reference_.now();
  const ClockReading instant = m.delay_ns ? now + Nanoseconds{*m.delay_ns} : at_ns(m.instant_ns);
  const Nanoseconds ahead = instant - now;
  if (ahead > max_probe_wait_) {
    return end(SessionState::failed, "master named a PROBE instant " + format_duration(ahead) +
                                         " ahead, more than the timeout " + format_duration(max_probe_wait_));
  }
  const InstantReading raw = read_at_instant(clock_.underlying(), reference_, instant);
  return SessionStep{
      format_line(Reading{m.instant_ns, raw.clock_ns, clock_.corrected(raw.clock_ns), raw.read_window_ns}), state_, {}};
}

SessionStep ClientSession::on(const Challenge& /*m*/) {
  if (!nonce_) return end(SessionState::failed, "master sent CHALLENGE, but this client has no key (--key-file)");
  if (state_ != SessionState::joining || challenged_) return end(SessionState::failed, "master sent CHALLENGE twice");
  challenged_ = true;  // its seal verified with our nonce and the key (the link's): we answer with ours
  return SessionStep{format_line(Join{}), state_, {}};
}

SessionStep ClientSession::on(const Bye& m) {
  if (state_ != SessionState::joined) return end(SessionState::failed, "master said BYE before WELCOME: " + m.reason);
  out_ << "session over (" << (m.reason.empty() ? "no reason given" : m.reason) << "): " << rounds_adjusted_
       << " adjustment(s), total " << format_duration(clock_.total_correction()) << ", clock now "
       << format_duration(clock_.now().time_since_epoch()) << '\n';
  return end(SessionState::finished, "session over");
}

}  // namespace berkeley::tcp
