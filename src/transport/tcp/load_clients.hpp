#pragma once
// Load mode for the benchmark: one process holds many client connections on one event loop, each running
// the same ClientSession as berkeley_client (simulated clock from seed and id). No Asio in this header.
#include <cstdint>
#include <memory>
#include <string>

#include "core/time.hpp"
#include "transport/tcp/session_config.hpp"

namespace berkeley::tcp {

struct LoadConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::int64_t first_id = 1;
  std::int64_t count = 1;
  ClockChoice clock;
  Nanoseconds timeout_ns{std::chrono::seconds(5)};  // PROBE horizon and connect bound
};

struct LoadOutcome {
  std::int64_t finished = 0;  // ended with BYE
  std::int64_t failed = 0;    // refused, error, closed without BYE, or still running at the deadline
  std::string first_failure;
};

// Connects every client, answers the master until each session ended or `limit` passed.
[[nodiscard]] LoadOutcome run_load_clients(const LoadConfig& config, Nanoseconds limit);

}  // namespace berkeley::tcp
