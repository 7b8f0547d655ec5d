// Joining a Berkeley synchronization over TCP from a plain C++ program (no MPI, no berkeley_client process):
//
//   berkeley_master 1 --port 17117 &
//   ./tcp_client_example --port 17117 [--id 1] [--host 127.0.0.1]
//
// The program's own clock is CLOCK_MONOTONIC. berkeley::tcp::Client answers the master's polls from it and
// applies the master's adjustments to client.clock(), a corrected clock over it; the OS clock is never
// touched. After the session, client.clock().now() is the group's time, int64 nanoseconds, e.g. for
// timestamping a log.
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "clock/monotonic_clock.hpp"
#include "transport/tcp/client.hpp"

namespace {

// "--port N", "--id N", "--host H"; false (with a message) on anything else
bool parse(int argc, char** argv, berkeley::tcp::ClientConfig& config) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view option = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "tcp_client_example: " << option << " needs a value\n";
      return false;
    }
    const std::string value = argv[++i];
    try {
      if (option == "--port") {
        const int port = std::stoi(value);
        if (port < 1 || port > 65535) throw std::out_of_range(value);
        config.port = static_cast<std::uint16_t>(port);
      } else if (option == "--id") {
        config.client_id = std::stoll(value);
      } else if (option == "--host") {
        config.host = value;
      } else {
        std::cerr << "tcp_client_example: unknown option " << option << '\n';
        return false;
      }
    } catch (const std::exception&) {
      std::cerr << "tcp_client_example: bad value '" << value << "' for " << option << '\n';
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  berkeley::tcp::ClientConfig config;
  if (!parse(argc, argv, config)) {
    std::cerr << "usage: tcp_client_example --port N [--id N] [--host H]\n";
    return 2;
  }

  const berkeley::MonotonicClock local;         // this program's own clock
  berkeley::tcp::Client client(config, local);  // its corrections live in client.clock()
  if (client.run(std::cout, std::cerr) != berkeley::RunStatus::ok) return 1;

  // The session is over; the corrected clock stays valid as long as `client` and `local` live.
  const berkeley::CorrectedClock& clock = client.clock();
  const berkeley::ClockReading raw = local.now();
  std::cout << "corrected time " << berkeley::reading_ns(clock.corrected(raw)) << " ns (local "
            << berkeley::reading_ns(raw) << " ns, correction " << clock.correction_at(raw).count() << " ns after "
            << client.rounds_adjusted() << " adjustment(s))\n";
  return 0;
}
