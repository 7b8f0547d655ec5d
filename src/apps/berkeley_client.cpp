// berkeley_client: one client of a Berkeley synchronization over TCP. Parse → run → exit code;
// the work is in the libraries (clock, transport/tcp).
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/tcp_client_options.hpp"
#include "transport/tcp/client.hpp"

int main(int argc, char** argv) {
  using namespace berkeley;
  const ParsedClientCommandLine parsed = parse_client_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.options) return cli::stop_with("berkeley_client", parsed);
  try {
    return exit_code({tcp::run_client(*parsed.options, std::cout, std::cerr)});
  } catch (const std::exception& error) {
    std::cerr << "berkeley_client: internal error: " << error.what() << '\n';
    return kExitInternalError;
  }
}
