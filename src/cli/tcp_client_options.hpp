#pragma once
// Command line of berkeley_client. Pure (no sockets, no output), so tests can check every verdict.
#include <optional>
#include <string>
#include <vector>

#include "cli/parsed_options.hpp"
#include "transport/tcp/session_config.hpp"

namespace berkeley {

using ParsedClientCommandLine = cli::ParsedOptions<tcp::ClientConfig>;

[[nodiscard]] ParsedClientCommandLine parse_client_options(const std::vector<std::string>& args);

}  // namespace berkeley
