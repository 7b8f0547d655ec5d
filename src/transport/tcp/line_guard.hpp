#pragma once
// One end of a connection's line traffic in a keyed session (BERKELEY/2, docs/security.md): once started it
// seals every line that goes out and opens every line that comes in (transport/tcp/auth_framing.hpp);
// before that (a keyless BERKELEY/1 session, or the HELLO before the nonces are known) lines pass as they
// are. Socket-free: the master's Connection and the client's ClientLink each hold one.
#include <optional>
#include <string>
#include <string_view>

#include "transport/tcp/auth_framing.hpp"

namespace berkeley::tcp {

class LineGuard {
 public:
  // `outgoing`: the direction of the lines this end sends
  void start(const SharedKey& key, const SessionNonce& session, Direction outgoing);
  [[nodiscard]] bool active() const { return sealer_.has_value(); }
  // `line` with its "\n"; the line to write, "\n" included (sealed when active)
  [[nodiscard]] std::string outgoing(std::string_view line);
  // a received line without its terminator: when active, its body once the seal verifies
  [[nodiscard]] LineOpener::Opened incoming(std::string_view line);

 private:
  std::optional<LineSealer> sealer_;
  std::optional<LineOpener> opener_;
};

// The body of a sealed line, its last two fields (sequence number, MAC) dropped, unverified: how a client
// reads the master's nonce out of the CHALLENGE it must then verify with it. nullopt: not two fields to drop.
[[nodiscard]] std::optional<std::string_view> unverified_body(std::string_view line);

// The longest line a keyed session carries: a protocol line and its seal.
inline constexpr std::size_t kMaxSealedLineBytes = kMaxLineBytes + kSealBytes;

}  // namespace berkeley::tcp
