#include "cli/tcp_master_options.hpp"

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

constexpr const char* kUsage = "Usage: berkeley_master N [options]";
constexpr const char* kAbout =
    "The time master of a Berkeley clock synchronization over TCP. Listens, waits until N berkeley_client\n"
    "processes have joined (accepting them concurrently; more than N are refused, not queued), then runs\n"
    "--rounds rounds: polls each client in turn (the minimum round trip of several exchanges, Cristian),\n"
    "takes the fault-tolerant average of all clocks, its own included, sends every client its signed\n"
    "adjustment and applies its own. A client that does not answer a poll within --timeout, or goes away,\n"
    "is left out of that round and reported; the round goes on. At the end every clock is read at one\n"
    "shared instant of CLOCK_MONOTONIC (the truth on one host) and the table shows how far each ended\n"
    "from the group's average, against a bound the master states.\n";
constexpr const char* kExample =
    "Example:\n"
    "  berkeley_master 3 &                # listens on 127.0.0.1:17117\n"
    "  scripts/launch_clients.py 3        # clients 1..3\n"
    "  berkeley_master 3 --port 0 --rounds 3 --interval 200ms --json report.json\n"
    "  berkeley_master 3 --bind 0.0.0.0 --key-file group.key   # clients: berkeley_client --key-file group.key\n"
    "Durations take a unit: ns, us, ms, s (a bare number is seconds). Protocol: docs/protocol.md\n"
    "Exit codes: 0 ok; 2 bad command line; 3 report not writable; 4 a clock ended outside the stated bound\n"
    "(or --require-precision not met); 5 cannot listen, or fewer than N clients joined in time;\n"
    "1 internal error; 128+n stopped by signal n (SIGINT, SIGTERM: the clients are told, then it exits).\n";

po::options_description describe() {
  po::options_description desc("Options");
  // clang-format off
  desc.add_options()
      ("help,h", "show this help and exit")
      ("bind", po::value<std::string>()->default_value("127.0.0.1"), "IP address to listen on")
      ("port", po::value<std::string>()->default_value(std::to_string(tcp::kDefaultPort)),
       "TCP port; 0 picks a free one (printed on the first line)")
      ("rounds", po::value<std::string>()->default_value("1"), "synchronization rounds (>= 1)")
      ("interval", po::value<std::string>()->default_value("1s"), "pause between rounds")
      ("timeout", po::value<std::string>()->default_value("1s"),
       "per operation: a poll not answered within this leaves that client out of the round; a new connection "
       "must say HELLO within this; the shared-instant reading must come within this")
      ("join-timeout", po::value<std::string>()->default_value("60s"),
       "give up (exit 5) unless N clients joined by then")
      ("tolerance", po::value<std::string>(), "clocks further than this from the median are left out of the average "
                                              "(still corrected); default 2 x max-offset for sim, 1s for system")
      ("min-exchanges", po::value<std::string>()->default_value(std::to_string(tcp::kDefaultMinExchanges)),
       "exchanges per client and round, at least")
      ("max-exchanges", po::value<std::string>()->default_value(std::to_string(tcp::kDefaultMaxExchanges)),
       "exchanges per client and round, at most")
      ("audit-exchanges", po::value<std::string>()->default_value("8"),
       "after the rounds, re-measure each client this many times with the interval-intersection estimator "
       "(independent of the sync); 0: no audit")
      ("require-precision", po::value<std::string>(),
       "exit 4 unless the audit proves every clock within this of the master (|residual| + uncertainty)");
  cli::add_member_clock_options(desc,
      "the master's own clock: sim (CLOCK_MONOTONIC + offset drawn from seed and id 0) or system/realtime (CLOCK_REALTIME)",
      "seed of the master's simulated clock (id 0)",
      "simulated drift is uniform in +-this; also the group's drift bound used in the stated bound");
  cli::add_key_option(desc, "shared key (a file only its owner may read, >= 32 bytes): every client must join "
                            "with the same key (BERKELEY/2: each line sealed with a MAC; docs/security.md)");
  desc.add_options()("insecure", cli::kInsecureHelp);
  desc.add_options()
      ("json", po::value<std::string>(), "write a machine-readable report (same format as berkeley_mpi) to this file")
      ("offsets", po::value<std::string>(),
       "write each participant's clock mapping to the agreed time to this file (docs/report-format.md)")
      ("csv", po::value<std::string>(), "write the per-participant table to this CSV file")
      ("quiet,q", "print only the listening line and the summary")
      ("version", "print the version (program, git revision) and exit");
  // clang-format on
  return desc;
}

tcp::MasterConfig build(const po::variables_map& vm) {
  tcp::MasterConfig c;
  if (vm.count("clients") == 0) throw BadValue{"missing N, the number of clients to wait for (see --help)"};
  const std::string clients = cli::text_of(vm, "clients");
  try {
    c.clients = cli::integer_value("N", clients, 1, tcp::kMaxClients);
  } catch (const BadValue&) {
    throw BadValue{"N: '" + clients + "' is not a number of clients (1.." + std::to_string(tcp::kMaxClients) + ")"};
  }
  c.bind_address = cli::ip_address_value("bind", cli::text_of(vm, "bind"));
  c.port = cli::port_value("port", cli::text_of(vm, "port"), true);
  c.rounds = static_cast<int>(cli::integer_value("rounds", cli::text_of(vm, "rounds"), 1, tcp::kMaxRound));
  c.interval_ns = cli::duration_of(vm, "interval", true, kHour);
  c.timeout_ns = cli::duration_of(vm, "timeout", false, tcp::kMaxTimeout);
  c.join_timeout_ns = cli::duration_of(vm, "join-timeout", false, 24 * kHour);
  cli::read_exchanges(vm, c.pingpong);
  c.audit_exchanges =
      static_cast<int>(cli::integer_value("audit-exchanges", cli::text_of(vm, "audit-exchanges"), 0, 1000));
  if (vm.count("require-precision") != 0) {
    if (c.audit_exchanges == 0) throw BadValue{"--require-precision needs the audit (--audit-exchanges > 0)"};
    c.require_precision_ns = cli::duration_of(vm, "require-precision", false, kHour);
  }
  c.clock = cli::member_clock_value(vm);
  const Nanoseconds default_tolerance =
      c.clock.kind == ClockKind::simulated ? 2 * c.clock.max_offset_ns : Nanoseconds{std::chrono::seconds(1)};
  c.tolerance_ns = vm.count("tolerance") != 0 ? cli::duration_of(vm, "tolerance", true, 2 * tcp::kMaxClockOffset)
                                              : default_tolerance;
  if (vm.count("json") != 0) c.json_path = cli::file_name_of(vm, "json");
  if (vm.count("offsets") != 0) c.offsets_path = cli::file_name_of(vm, "offsets");
  if (vm.count("csv") != 0) c.csv_path = cli::file_name_of(vm, "csv");
  cli::require_distinct_files({{"json", c.json_path}, {"offsets", c.offsets_path}, {"csv", c.csv_path}});
  c.quiet = vm.count("quiet") != 0;
  c.key = cli::key_value(vm);
  cli::require_key_or_insecure("bind", c.bind_address, c.key.has_value(), vm.count("insecure") != 0);
  return c;
}

}  // namespace

ParsedMasterCommandLine parse_master_options(const std::vector<std::string>& args) {
  const po::options_description desc = describe();
  po::options_description all;
  all.add(desc).add_options()("clients", po::value<std::string>(), "N");
  po::positional_options_description positional;
  positional.add("clients", 1);
  std::ostringstream help;
  help << kUsage << "\n\n" << kAbout << '\n' << desc << '\n' << kExample;
  return cli::parse_command_line<ParsedMasterCommandLine>(
      cli::read_command_line(args, all, help.str(), &positional),
      [](const po::variables_map& vm, ParsedMasterCommandLine& parsed) { parsed.options = build(vm); });
}

}  // namespace berkeley
