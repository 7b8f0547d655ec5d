#pragma once
// What berkeley_master and berkeley_client are asked to do: plain values, filled by the command-line
// parsers (cli/tcp_*_options) or by a program that embeds them (the benchmark). No sockets here.
#include <cstdint>
#include <string>

#include "core/min_rtt_filter.hpp"
#include "core/time.hpp"

namespace berkeley::tcp {

inline constexpr std::uint16_t kDefaultPort = 17117;

enum class TcpClockKind {
  simulated,  // CLOCK_MONOTONIC + an offset and drift drawn from (seed, id); the default
  system,     // CLOCK_REALTIME, read only (nothing here ever sets a clock)
};

struct MasterConfig {
  std::int64_t clients = 1;  // N: clients to wait for
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = kDefaultPort;  // 0: the system picks a free port (printed)
  int rounds = 1;
  Nanoseconds interval_ns{std::chrono::seconds(1)};        // pause between rounds
  Nanoseconds timeout_ns{std::chrono::seconds(1)};         // per operation (one poll, a HELLO, the PROBE reply)
  Nanoseconds join_timeout_ns{std::chrono::seconds(60)};   // N clients must have joined by then
  Nanoseconds tolerance_ns{std::chrono::seconds(2)};       // fault-tolerant average: further from the median is left out
  PingPongPolicy pingpong;
  // the master's own clock (member 0)
  TcpClockKind clock = TcpClockKind::simulated;
  std::uint64_t seed = 1;
  Nanoseconds max_offset_ns{std::chrono::seconds(1)};
  double drift_ppm = 0.0;
  std::string json_path;  // empty: no JSON report
  bool quiet = false;     // no join and round lines, only the summary
};

struct ClientConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = kDefaultPort;
  std::int64_t client_id = 1;
  TcpClockKind clock = TcpClockKind::simulated;
  std::uint64_t seed = 1;
  Nanoseconds max_offset_ns{std::chrono::seconds(1)};
  double drift_ppm = 0.0;
  Nanoseconds timeout_ns{std::chrono::seconds(5)};        // connect (retrying while refused), HELLO, PROBE
  Nanoseconds idle_timeout_ns{std::chrono::minutes(5)};   // longest silence of the master once joined
  bool quiet = false;
};

[[nodiscard]] constexpr const char* clock_name(TcpClockKind kind) {
  return kind == TcpClockKind::simulated ? "simulated" : "system";
}

}  // namespace berkeley::tcp
