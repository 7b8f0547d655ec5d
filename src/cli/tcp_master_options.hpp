#pragma once
// Command line of berkeley_master. Pure (no sockets, no output), so tests can check every verdict.
#include <optional>
#include <string>
#include <vector>

#include "cli/parsed_options.hpp"
#include "transport/tcp/session_config.hpp"

namespace berkeley {

using ParsedMasterCommandLine = cli::ParsedOptions<tcp::MasterConfig>;

[[nodiscard]] ParsedMasterCommandLine parse_master_options(const std::vector<std::string>& args);

}  // namespace berkeley
