#include "cli/run_options.hpp"

#include <boost/program_options.hpp>
#include <limits>
#include <sstream>

#include "cli/command_line.hpp"
#include "cli/exit_codes.hpp"
#include "cli/option_values.hpp"
#include "cli/sync_method_value.hpp"

namespace po = boost::program_options;

namespace berkeley {
namespace {

constexpr const char* kUsage = "Usage: mpirun -np N berkeley_mpi [options]";
constexpr const char* kExample =
    "Example:\n"
    "  mpirun -np 4 ./berkeley_mpi --seed 7 --rounds 3 --json report.json\n"
    "Durations take a unit: ns, us, ms, s (a bare number is seconds).\n"
    "  mpirun -np 8 ./berkeley_mpi --method pingpong --rounds 10 --interval 100ms --drift-ppm 50\n"
    "Trace correction (docs/report-format.md): the offsets, then map a Chrome/Perfetto trace with them:\n"
    "  mpirun -np 4 ./berkeley_mpi --offsets offsets.json --csv table.csv && scripts/correct_trace.py \\\n"
    "      --offsets offsets.json trace.json -o trace.global.json\n"
    "One group of MPI ranks and TCP clients (machines without MPI run berkeley_client):\n"
    "  mpirun -np 4 ./berkeley_mpi --serve-tcp 3 --bind 0.0.0.0 --key-file group.key --json run.json &\n"
    "  scripts/launch_clients.py 3 --host HEADNODE --port 17117\n"
    "Exit codes: 0 ok, 2 bad command line, 3 report not writable, 4 --require-precision not met,\n"
    "5 --serve-tcp: cannot listen, or fewer than N clients joined in time; 1 internal/MPI error.\n";

// --serve-tcp's limits, as berkeley_master's (transport/tcp/protocol.hpp)
constexpr std::int64_t kMaxTcpClients = 10'000;
constexpr Nanoseconds kMaxTcpTimeout{std::chrono::hours(1)};
constexpr Nanoseconds kMaxJoinTimeout{std::chrono::hours(24)};
// The simulated offsets, the pause between rounds and the patience (berkeley_master bounds its --max-offset and
// --interval alike): each is added to a clock reading (a reading ± the offset, now + the pause, a round's start +
// the patience), which must stay far from int64's end. fuzz_command_line: --max-offset 9223372036s overflowed
// 2 × max-offset, the default tolerance.
constexpr Nanoseconds kMaxOffset{std::chrono::hours(1)};
constexpr Nanoseconds kMaxPause{std::chrono::hours(1)};

using cli::BadValue;

using cli::text_of;

int int_value(const po::variables_map& vm, const std::string& option, int minimum) {
  return static_cast<int>(cli::integer_value(option, text_of(vm, option), minimum, std::numeric_limits<int>::max()));
}

ClockKind clock_value(const std::string& text) {
  if (text == "sim" || text == "simulated") return ClockKind::simulated;
  if (text == "system" || text == "wtime") return ClockKind::mpi_wtime;
  if (text == "realtime") return ClockKind::realtime;
  if (text == "monotonic") return ClockKind::monotonic;
  throw BadValue{cli::bad_value("clock", text, "is not one of: sim, system, realtime, monotonic")};
}

po::options_description describe_options() {
  po::options_description desc("Options");
  // Values are taken as text and validated below, so every error names the option and the value.
  // clang-format off
  desc.add_options()
      ("help,h", "show this help and exit")
      ("rounds", po::value<std::string>()->default_value("1"), "synchronization rounds (>= 1); one line of progress per round")
      ("seed", po::value<std::string>()->default_value("1"), "seed of the simulated clocks: same seed, same clocks, at any rank count")
      ("max-offset", po::value<std::string>()->default_value("1s"), "simulated clock offsets are uniform in +-this (<= 1 h)")
      ("drift-ppm", po::value<std::string>()->default_value("0"), "simulated clock drift is uniform in +-this many ppm")
      ("tolerance", po::value<std::string>(), "clocks further than this from the median are left out of the average "
                                              "(still corrected); default 2 x max-offset for sim, 1s otherwise")
      ("clock", po::value<std::string>()->default_value("sim"),
       "sim: simulated (monotonic + seeded offset); system: MPI_Wtime of each rank; realtime: CLOCK_REALTIME; "
       "monotonic: CLOCK_MONOTONIC (what most tracers stamp with: --offsets then corrects their traces)")
      ("method", po::value<std::string>(),
       "collective (the default; MPI-only, refused with --serve-tcp): MPI_Gather of the clocks, MPI_Scatter of the "
       "corrections, each rank bounds its own estimate; "
       "pingpong: one rank at a time, min round trip; "
       "tree: pingpong within each node, then among the node leaders. With --serve-tcp the default is pingpong")
      ("wait", po::value<std::string>()->default_value("auto"),
       "pingpong/tree: how ranks wait for their turn. busy: spin (fastest hand-over); polite: sleep between "
       "polls (the pair being measured keeps the cores: far more precise when oversubscribed); auto: polite "
       "where a node runs more ranks than it has cores. Also sets how Open MPI waits inside MPI calls "
       "(OMPI_MCA_mpi_yield_when_idle, unless you set it): busy 0, polite 1, auto from the launcher's placement")
      ("exchanges", po::value<std::string>()->default_value("8"),
       "collective: at most this many MPI_Gather/MPI_Scatter exchanges per round (1..64); every rank "
       "intersects the intervals its exchanges give, and the round stops once the group's widest narrows by "
       "less than 10 %. 1: a single exchange (the fastest, as wide as the ranks were out of step)")
      ("patience", po::value<std::string>()->default_value("100ms"),
       "pingpong/tree: per round, how long to keep measuring a rank whose best round trip is more than twice "
       "the quiet round trip of its node (a busy machine), pausing between tries, until a quiet exchange "
       "appears; the report says where it ran out (<= 1 h). 0: take the best of the first tries")
      ("node-size", po::value<std::string>()->default_value("0"),
       "tree: group ranks into virtual nodes of this many consecutive ranks (0: by real node)")
      ("interval", po::value<std::string>()->default_value("0"),
       "pause between rounds (<= 1 h); with --rounds >= 3 the offsets over time also give each clock's drift")
      ("require-precision", po::value<std::string>(),
       "exit with code 4 (on every rank) unless the audit proves every clock within this of the master "
       "(its |residual| + uncertainty)")
      ("serve-tcp", po::value<std::string>(),
       "rank 0 also admits N TCP clients (berkeley_client, or any BERKELEY/1 client: docs/protocol.md) into the "
       "same group: one average over the ranks and the clients, every participant in the report. Pingpong or tree. "
       "With drift correction the clients are fitted too but sent offsets only (the protocol carries no rates): "
       "each keeps its own rate, and its stated bound grows with it")
      ("bind", po::value<std::string>()->default_value("127.0.0.1"), "--serve-tcp: IP address to listen on")
      ("port", po::value<std::string>()->default_value("17117"),
       "--serve-tcp: TCP port; 0 picks a free one (printed)")
      ("timeout", po::value<std::string>()->default_value("1s"),
       "--serve-tcp: a client that does not answer within this (a poll, its HELLO, its reading) is left out of "
       "that round; the ranks go on")
      ("join-timeout", po::value<std::string>()->default_value("60s"),
       "--serve-tcp: give up (exit 5, on every rank) unless N clients joined by then")
      ("key-file", po::value<std::string>(),
       "--serve-tcp: shared key (a file only its owner may read, >= 32 bytes): every client must join with it "
       "(BERKELEY/2, docs/security.md)")
      ("insecure", cli::kInsecureHelp)
      ("json", po::value<std::string>(), "write a machine-readable report to this file (docs/report-format.md)")
      ("offsets", po::value<std::string>(),
       "write each participant's clock mapping to the agreed time (offset, rate, their uncertainties) to this "
       "file, to correct trace timestamps afterwards (scripts/correct_trace.py)")
      ("csv", po::value<std::string>(), "write the per-participant table to this CSV file")
      ("quiet,q", "print only the summary line")
      ("version", "print the version (program, git revision, MPI library) and exit");
  // clang-format on
  return desc;
}

}  // namespace

Nanoseconds RunOptions::effective_tolerance() const {
  if (tolerance_ns) return *tolerance_ns;
  return clock.kind == ClockKind::simulated ? 2 * clock.max_offset_ns : Nanoseconds{std::chrono::seconds(1)};
}

ParsedCommandLine parse_run_options(const std::vector<std::string>& args) {
  const po::options_description desc = describe_options();
  std::ostringstream help;
  help << kUsage << "\n\nOne Berkeley clock synchronization: rank 0 is the time master and gathers every rank's "
       << "clock,\naverages them (fault-tolerant, its own included) and scatters each rank its correction.\n\n"
       << desc << '\n'
       << kExample;
  return cli::parse_command_line<ParsedCommandLine>(
      cli::read_command_line(args, desc, help.str()), [](const po::variables_map& vm, ParsedCommandLine& parsed) {
        RunOptions options;
        options.rounds = int_value(vm, "rounds", 1);
        options.clock.seed = cli::unsigned_value("seed", text_of(vm, "seed"));
        options.clock.max_offset_ns = cli::duration_of(vm, "max-offset", true, kMaxOffset);
        options.clock.drift_ppm = cli::drift_value("drift-ppm", text_of(vm, "drift-ppm"));
        if (vm.count("tolerance") != 0) options.tolerance_ns = cli::duration_of(vm, "tolerance", true);
        options.clock.kind = clock_value(text_of(vm, "clock"));
        if (vm.count("serve-tcp") != 0) {
          RunOptions::TcpService tcp;
          tcp.clients = cli::integer_value("serve-tcp", text_of(vm, "serve-tcp"), 1, kMaxTcpClients);
          tcp.bind_address = cli::ip_address_value("bind", text_of(vm, "bind"));
          tcp.port = cli::port_value("port", text_of(vm, "port"), true);
          tcp.timeout_ns = cli::duration_of(vm, "timeout", false, kMaxTcpTimeout);
          tcp.join_timeout_ns = cli::duration_of(vm, "join-timeout", false, kMaxJoinTimeout);
          if (vm.count("key-file") != 0) tcp.key_file = cli::file_name_of(vm, "key-file");
          cli::require_key_or_insecure("bind", tcp.bind_address, !tcp.key_file.empty(), vm.count("insecure") != 0);
          options.serve_tcp = tcp;
        } else {
          for (const char* tcp_only : {"bind", "port", "timeout", "join-timeout", "key-file", "insecure"}) {
            if (vm.count(tcp_only) != 0 && !vm[tcp_only].defaulted()) {
              throw BadValue{"--" + std::string(tcp_only) + " is an option of --serve-tcp, which is not given"};
            }
          }
        }
        options.method = vm.count("method") != 0 ? cli::sync_method_value("method", text_of(vm, "method"))
                         : options.serve_tcp     ? SyncMethod::pingpong
                                                 : SyncMethod::collective;
        options.interval_ns = cli::duration_of(vm, "interval", true, kMaxPause);
        options.node_size = int_value(vm, "node-size", 0);
        options.exchanges = static_cast<int>(cli::integer_value("exchanges", text_of(vm, "exchanges"), 1, 64));
        options.patience_ns = cli::duration_of(vm, "patience", true, kMaxPause);
        const std::string wait = text_of(vm, "wait");
        if (wait == "busy" || wait == "polite") {
          options.polite_waiting = wait == "polite";
        } else if (wait != "auto") {
          throw BadValue{cli::bad_value("wait", wait, "is not one of: auto, busy, polite")};
        }
        if (vm.count("require-precision") != 0) {
          options.require_precision_ns = cli::duration_of(vm, "require-precision", false);
        }
        if (vm.count("json") != 0) options.json_path = cli::file_name_of(vm, "json");
        if (vm.count("offsets") != 0) options.offsets_path = cli::file_name_of(vm, "offsets");
        if (vm.count("csv") != 0) options.csv_path = cli::file_name_of(vm, "csv");
        cli::require_distinct_files(
            {{"json", options.json_path}, {"offsets", options.offsets_path}, {"csv", options.csv_path}});
        options.quiet = vm.count("quiet") != 0;
        if (options.serve_tcp && options.method == SyncMethod::collective) {
          throw BadValue{"--method collective is MPI-only: with --serve-tcp use --method pingpong or tree"};
        }
        parsed.options = options;
      });
}

}  // namespace berkeley
