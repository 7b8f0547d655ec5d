// berkeley_master: the time master of a Berkeley synchronization over TCP. Parse → run → exit code;
// the work is in the libraries (sync, clock, report, transport/tcp).
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/option_values.hpp"
#include "cli/tcp_master_options.hpp"
#include "transport/tcp/master.hpp"

int main(int argc, char** argv) {
  using namespace berkeley;
  const ParsedMasterCommandLine parsed = parse_master_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.options) return cli::stop_with("berkeley_master", parsed);
  const tcp::MasterConfig& config = *parsed.options;
  if (!config.key && !cli::is_loopback_address(config.bind_address)) {  // --insecure: allowed, not silently
    std::cerr << cli::insecure_warning("berkeley_master", config.bind_address) << '\n';
  }
  try {
    return exit_code(tcp::run_master(config, std::cout, std::cerr));
  } catch (const std::exception& error) {
    std::cerr << "berkeley_master: internal error: " << error.what() << '\n';
    return kExitInternalError;
  }
}
