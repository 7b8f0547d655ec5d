#include "cli/tcp_client_options.hpp"

#include <boost/program_options.hpp>
#include <sstream>

#include "cli/command_line.hpp"
#include "cli/exit_codes.hpp"
#include "cli/option_values.hpp"
#include "cli/tcp_clock_option.hpp"
#include "cli/tcp_key_option.hpp"
#include "transport/tcp/protocol.hpp"

namespace po = boost::program_options;

namespace berkeley {
namespace {

using cli::BadValue;
constexpr Nanoseconds kHour{std::chrono::hours(1)};

constexpr const char* kUsage = "Usage: berkeley_client --id ID [options]";
constexpr const char* kAbout =
    "A client of a Berkeley clock synchronization over TCP. Connects to berkeley_master (retrying for up\n"
    "to --timeout while nobody listens yet), joins as client ID, answers every poll with its clock, applies\n"
    "every adjustment (printing the clock before and after) and exits 0 when the master ends the session.\n"
    "The clock is simulated by default: CLOCK_MONOTONIC plus an offset (and drift) drawn from --seed and\n"
    "the id, so the same seed gives the same clocks on every run. No clock of the system is ever set.\n";
constexpr const char* kExample =
    "Example:\n"
    "  berkeley_client --id 2 --port 17117 --seed 7\n"
    "  berkeley_client --id 2 --host 10.0.0.1 --key-file group.key   # a keyed master (docs/security.md)\n"
    "Durations take a unit: ns, us, ms, s (a bare number is seconds). Protocol: docs/protocol.md\n"
    "Exit codes: 0 the master ended the session (BYE); 2 bad command line; 5 no master, the master went away\n"
    "or broke the protocol; 6 the master refused this client (group full, id taken); 1 internal error.\n";

po::options_description describe() {
  po::options_description desc("Options");
  // clang-format off
  desc.add_options()
      ("help,h", "show this help and exit")
      ("version", "print the version (program, git revision) and exit")
      ("id", po::value<std::string>(), "this client's id, 1..1000000 (required; distinct per client)")
      ("host", po::value<std::string>()->default_value("127.0.0.1"), "the master's address or host name")
      ("port", po::value<std::string>()->default_value(std::to_string(tcp::kDefaultPort)), "the master's TCP port");
  cli::add_member_clock_options(desc,
      "sim (CLOCK_MONOTONIC + offset drawn from seed and id) or system/realtime (CLOCK_REALTIME, read only)",
      "seed of the simulated clock", "simulated drift is uniform in +-this many ppm");
  desc.add_options()
      ("timeout", po::value<std::string>()->default_value("5s"),
       "connecting (retried while refused), the answer to HELLO, each send, and how far ahead a PROBE may be")
      ("idle-timeout", po::value<std::string>()->default_value("300s"),
       "once joined, the longest the master may stay silent before the client gives up (exit 5)")
      ("quiet,q", "print only errors");
  // clang-format on
  cli::add_key_option(desc,
                      "shared key (a file only its owner may read, >= 32 bytes): join keyed (BERKELEY/2); "
                      "a master without the same key cannot adjust this client");
  return desc;
}

tcp::ClientConfig build(const po::variables_map& vm) {
  tcp::ClientConfig c;
  if (vm.count("id") == 0) throw BadValue{"--id is required: this client's id, 1..1000000 (see --help)"};
  c.client_id = cli::integer_value("id", cli::text_of(vm, "id"), 1, tcp::kMaxClientId);
  c.host = cli::text_of(vm, "host");
  if (c.host.empty() || c.host.size() > 253)
    throw BadValue{cli::bad_value("host", c.host, "is not a host name or address")};
  c.port = cli::port_value("port", cli::text_of(vm, "port"), false);
  c.clock = cli::member_clock_value(vm);
  c.timeout_ns = cli::duration_of(vm, "timeout", false, tcp::kMaxTimeout);
  c.idle_timeout_ns = cli::duration_of(vm, "idle-timeout", false, 24 * kHour);
  c.quiet = vm.count("quiet") != 0;
  c.key = cli::key_value(vm);
  return c;
}

}  // namespace

ParsedClientCommandLine parse_client_options(const std::vector<std::string>& args) {
  const po::options_description desc = describe();
  std::ostringstream help;
  help << kUsage << "\n\n" << kAbout << '\n' << desc << '\n' << kExample;
  return cli::parse_command_line<ParsedClientCommandLine>(
      cli::read_command_line(args, desc, help.str()),
      [](const po::variables_map& vm, ParsedClientCommandLine& parsed) { parsed.options = build(vm); });
}

}  // namespace berkeley
