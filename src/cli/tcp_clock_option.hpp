#pragma once
// --clock of the TCP programs (berkeley_master, berkeley_client).
#include <string>

#include "cli/option_values.hpp"
#include "transport/tcp/session_config.hpp"

namespace berkeley::cli {

[[nodiscard]] inline tcp::TcpClockKind tcp_clock_value(const std::string& text) {
  if (text == "sim" || text == "simulated") return tcp::TcpClockKind::simulated;
  if (text == "system") return tcp::TcpClockKind::system;
  throw BadValue{bad_value("clock", text, "is not one of: sim, system")};
}

}  // namespace berkeley::cli
