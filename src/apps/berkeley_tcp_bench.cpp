// berkeley_tcp_bench: not a test, a measurement. Starts the real berkeley_master (port 0) for each client
// count, holds that many client connections in this one process (load mode: every connection runs the same
// ClientSession as berkeley_client, on one event loop), and reports the master's round time (from its JSON
// report) and its peak resident memory (from wait4). Target: a round of 1,000 clients <= 100 ms, RSS <= 64 MiB.
// Parse → run → exit code; the work is in src/bench/tcp/.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "bench/tcp/tcp_bench_options.hpp"
#include "bench/tcp/tcp_bench_run.hpp"
#include "cli/command_line.hpp"
#include "cli/exit_codes.hpp"

int main(int argc, char** argv) {
  using namespace berkeley;
  const tcp::bench::ParsedBenchCommandLine parsed =
      tcp::bench::parse_bench_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.options) return cli::stop_with("berkeley_tcp_bench", parsed);
  try {
    return exit_code({tcp::bench::run_bench(*parsed.options)});
  } catch (const std::exception& error) {
    std::cerr << "berkeley_tcp_bench: internal error: " << error.what() << '\n';
    return kExitInternalError;
  }
}
