#pragma once
// Command line of berkeley_client. Pure (no sockets, no output), so tests can check every verdict.
#include <optional>
#include <string>
#include <vector>

#include "transport/tcp/session_config.hpp"

namespace berkeley {

struct ParsedClientCommandLine {
  std::optional<tcp::ClientConfig> config;  // set when the run should go ahead
  int exit_code = 0;                        // when config is empty: 0 after --help, kExitUsage after an error
  std::string message;                      // the help text, or one line naming the bad value
};

[[nodiscard]] ParsedClientCommandLine parse_client_options(const std::vector<std::string>& args);

}  // namespace berkeley
