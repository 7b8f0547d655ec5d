#pragma once
// What berkeley_master and berkeley_client are asked to do: plain values, filled by the command-line
// parsers (cli/tcp_*_options) or by a program that embeds them (the benchmark). No sockets here.
#include <cstdint>
#include <optional>
#include <string>

#include "clock/clock_choice.hpp"
#include "core/min_rtt_filter.hpp"
#include "core/time.hpp"
#include "transport/tcp/key_file.hpp"

namespace berkeley::tcp {

inline constexpr std::uint16_t kDefaultPort = 17117;
// Exchanges per client and round, the TCP master's own defaults (not the core's): clients are polled one at
// a time, so a round of 1,000 clients costs 1,000 × exchanges × one loopback round trip; 4..16 keeps it
// within ~100 ms and still confirms every minimum round trip by a second one.
inline constexpr int kDefaultMinExchanges = 4;
inline constexpr int kDefaultMaxExchanges = 16;

struct MasterConfig {
  std::int64_t clients = 1;  // N: clients to wait for
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = kDefaultPort;  // 0: the system picks a free port (printed)
  int rounds = 1;
  Nanoseconds interval_ns{std::chrono::seconds(1)};       // pause between rounds
  Nanoseconds timeout_ns{std::chrono::seconds(1)};        // per operation (one poll, a HELLO, the PROBE reply)
  Nanoseconds join_timeout_ns{std::chrono::seconds(60)};  // N clients must have joined by then
  Nanoseconds tolerance_ns{std::chrono::seconds(2)};      // fault-tolerant average: further from the median is left out
  PingPongPolicy pingpong{.max_exchanges = kDefaultMaxExchanges,
                          .min_exchanges = kDefaultMinExchanges,
                          .settle_fraction = 0.05,
                          .patience = {}};
  int audit_exchanges = 8;                          // per client after the rounds (independent estimator); 0: no audit
  std::optional<Nanoseconds> require_precision_ns;  // exit 4 when the audit finds a clock further than this
  ClockChoice clock;                                // the master's own clock (member 0): simulated or realtime
  std::string json_path;                            // empty: no JSON report
  std::string offsets_path;                         // empty: no offsets file (trace correction)
  std::string csv_path;                             // empty: no CSV table
  bool quiet = false;                               // no join and round lines, only the summary
  std::optional<SharedKey> key;                     // set: keyed sessions only (BERKELEY/2, docs/security.md)
};

struct ClientConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = kDefaultPort;
  std::int64_t client_id = 1;
  ClockChoice clock;                                     // simulated or realtime
  Nanoseconds timeout_ns{std::chrono::seconds(5)};       // connect (retrying while refused), HELLO, PROBE
  Nanoseconds idle_timeout_ns{std::chrono::minutes(5)};  // longest silence of the master once joined
  bool quiet = false;
  std::optional<SharedKey> key;  // set: a keyed session (BERKELEY/2): a master without the key adjusts nothing
};

}  // namespace berkeley::tcp
