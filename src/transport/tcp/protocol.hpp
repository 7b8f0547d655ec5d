#pragma once
// BERKELEY/1, the line protocol between berkeley_master and berkeley_client (docs/protocol.md), and its keyed
// form BERKELEY/2 (docs/security.md: the same messages, every line after HELLO sealed with a sequence number
// and a MAC, transport/tcp/auth_framing.hpp). Plain message structs and the protocol's limits. Pure: no
// sockets, no I/O.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/time.hpp"

namespace berkeley::tcp {

inline constexpr std::string_view kProtocolVersion = "BERKELEY/1";
// the keyed protocol: a session both ends authenticate with a shared key (--key-file)
inline constexpr std::string_view kKeyedProtocolVersion = "BERKELEY/2";
// each end's share of a keyed session's nonce
inline constexpr std::size_t kNonceBytes = 16;
using Nonce = std::array<unsigned char, kNonceBytes>;

// Longest line either side may send, terminator excluded. A peer that sends more is dropped.
inline constexpr std::size_t kMaxLineBytes = 256;
// Client ids are 1..kMaxClientId (0 is the master).
inline constexpr std::int64_t kMaxClientId = 1'000'000;
// Most clients one master accepts (also bounds every sum over the group: no int64 overflow).
inline constexpr std::int64_t kMaxClients = 10'000;
inline constexpr std::int64_t kMaxRound = 1'000'000'000;
// A clock further than this from the master's is out of range: that client is dropped, never averaged.
inline constexpr Nanoseconds kMaxClockOffset{std::chrono::hours(12)};
// Longest a master waits for one answer (its --timeout is at most this).
inline constexpr Nanoseconds kMaxTimeout{std::chrono::hours(1)};
// No adjustment larger than this is ever sent or applied.
inline constexpr Nanoseconds kMaxAdjustment{std::chrono::hours(48)};
// Every adjustment the master computes fits: two offsets of at most kMaxClockOffset + half a round trip.
static_assert(kMaxAdjustment >= 2 * (kMaxClockOffset + kMaxTimeout));
// A PROBE's delay (for a client in another clock domain) is at most this: the master's --timeout bound.
inline constexpr Nanoseconds kMaxProbeDelay = kMaxTimeout;
// A shared-instant read bracketed wider than this is refused.
inline constexpr Nanoseconds kMaxReadWindow{std::chrono::seconds(1)};

// ---- client → master -------------------------------------------------------------------------------
struct Hello {  // HELLO BERKELEY/1 <id> [<clock_domain>] | HELLO BERKELEY/2 <id> <nonce> [<clock_domain>]
  std::int64_t client_id = 0;
  // which CLOCK_MONOTONIC the client reads (clock/clock_domain.hpp); optional: a client that does not say
  // shares the master's only where it connected over loopback
  std::optional<std::string> clock_domain = std::nullopt;
  // BERKELEY/2: the client's share of the session nonce (32 lowercase hex digits on the line)
  std::optional<Nonce> nonce = std::nullopt;
};
struct Join {};     // JOIN (BERKELEY/2, sealed): the client's proof that it holds the key, after CHALLENGE
struct TimeReply {  // TIME <seq> <clock_ns>: the client's (corrected) clock when it answered POLL <seq>
  std::int64_t seq = 0;
  ClockReading clock_ns{};
};
struct Reading {  // READING <instant_ns> <raw_ns> <corrected_ns> <window_ns>: answer to PROBE <instant_ns>
  std::int64_t instant_ns = 0;
  ClockReading raw_ns{};
  ClockReading corrected_ns{};
  Nanoseconds window_ns{0};
};

// ---- master → client -------------------------------------------------------------------------------
struct Welcome {  // WELCOME BERKELEY/1 <id> <clients> (BERKELEY/2 when keyed)
  std::int64_t client_id = 0;
  std::int64_t clients = 0;  // how many clients the master waits for
  bool keyed = false;
};
struct Challenge {  // CHALLENGE <nonce> (BERKELEY/2, sealed): the master's share of the session nonce
  Nonce nonce{};
};
struct Refused {  // REFUSED <text>: not admitted (group full, duplicate id); the master closes
  std::string reason;
};
struct Error {  // ERROR <text>: the peer broke the protocol; the sender closes
  std::string reason;
};
struct Poll {  // POLL <seq>: "send the clock time"
  std::int64_t seq = 0;
};
struct Adjust {  // ADJUST <round> <delta_ns>: add the signed delta to your clock
  std::int64_t round = 0;
  Nanoseconds delta_ns{0};
};
struct Probe {  // PROBE <instant_ns> [<delay_ns>]: read your clock when CLOCK_MONOTONIC shows instant_ns
  std::int64_t instant_ns = 0;
  // Set for a client that does not read the master's CLOCK_MONOTONIC (another kernel, a time namespace):
  // instant_ns means nothing on its clock, so it reads delay_ns after the PROBE arrives (about the same
  // moment: the line's one-way delay apart) and answers for instant_ns all the same.
  std::optional<std::int64_t> delay_ns = std::nullopt;
};
struct Bye {  // BYE <text>: the session is over; the master closes
  std::string reason;
};
using MasterMessage = std::variant<Welcome, Refused, Error, Poll, Adjust, Probe, Bye, Challenge>;
// ERROR goes both ways: a client that gives up on the master says why before it closes.
using ClientMessage = std::variant<Hello, TimeReply, Reading, Error, Join>;

}  // namespace berkeley::tcp
