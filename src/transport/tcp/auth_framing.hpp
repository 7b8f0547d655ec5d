#pragma once
// Authenticated lines for BERKELEY/2 (docs/security.md): every line of a keyed session, each direction on its
// own, carries a sequence number and a MAC (libsodium's crypto_auth, HMAC-SHA-512-256) over the protocol name,
// the direction, the session's nonce (16 random bytes chosen by each end) and the sequence number with the
// line. A line is taken only with the next sequence number and a MAC that verifies (compared in constant
// time), so a replayed, reordered, altered or injected line, a line of another session or of the other
// direction, and a line made without the key are all refused. After one refusal the opener refuses everything:
// the session is over. Socket-free.
//
// A sealed line: <body> ' ' <seq> ' ' <mac: 64 lowercase hex digits>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "transport/tcp/key_file.hpp"
#include "transport/tcp/protocol.hpp"

namespace berkeley::tcp {

inline constexpr std::string_view kAuthenticatedProtocol = kKeyedProtocolVersion;
inline constexpr std::size_t kMacHexDigits = 64;
// what sealing adds to a line at most: ' ' + a 20-digit sequence number + ' ' + the MAC
inline constexpr std::size_t kSealBytes = 1 + 20 + 1 + kMacHexDigits;

// Both ends' nonces: the session a line belongs to.
struct SessionNonce {
  Nonce client{};
  Nonce master{};
};

enum class Direction : char { client_to_master = 'C', master_to_client = 'M' };

[[nodiscard]] Nonce random_nonce();
[[nodiscard]] std::string nonce_hex(const Nonce& nonce);
// exactly 2 × kNonceBytes lowercase hex digits, or nullopt
[[nodiscard]] std::optional<Nonce> parse_nonce_hex(std::string_view text);

// One direction of one session, the sending end.
class LineSealer {
 public:
  LineSealer(const SharedKey& key, const SessionNonce& session, Direction direction);
  // `body` without its line terminator; the sealed line, also without one
  [[nodiscard]] std::string seal(std::string_view body);
  [[nodiscard]] std::uint64_t next_seq() const { return next_seq_; }

 private:
  SharedKey key_;
  SessionNonce session_;
  Direction direction_;
  std::uint64_t next_seq_ = 0;
};

// One direction of one session, the receiving end.
class LineOpener {
 public:
  LineOpener(const SharedKey& key, const SessionNonce& session, Direction direction);
  struct Opened {
    std::optional<std::string> body;  // the line without its seal
    std::string error;                // when body is empty: why ("bad MAC", "sequence 3 where 5 was due", ...)
  };
  [[nodiscard]] Opened open(std::string_view line);
  [[nodiscard]] std::uint64_t next_seq() const { return next_seq_; }
  [[nodiscard]] bool failed() const { return failed_; }

 private:
  SharedKey key_;
  SessionNonce session_;
  Direction direction_;
  std::uint64_t next_seq_ = 0;
  bool failed_ = false;
};

// The MAC itself, as both ends compute it (exposed for tests: a line made by hand).
[[nodiscard]] std::string line_mac_hex(const SharedKey& key, const SessionNonce& session, Direction direction,
                                       std::uint64_t seq, std::string_view body);

}  // namespace berkeley::tcp
