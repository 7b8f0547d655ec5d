// berkeley_mpi: one Berkeley clock synchronization over MPI. Parse → run → exit code; the work is in
// the libraries (core, clock, transport/mpi, report).
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/option_values.hpp"
#include "cli/run_options.hpp"
#include "clock/clock_choice.hpp"
#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "core/duration_text.hpp"
#include "report/group_members.hpp"
#include "report/report_builder.hpp"
#include "report/report_file.hpp"
#include "report/report_output.hpp"
#include "report/table_writer.hpp"
#include "sync/guest_group.hpp"
#include "transport/mpi/audit.hpp"
#include "transport/mpi/instant_probe.hpp"
#include "transport/mpi/library_version.hpp"
#include "transport/mpi/progress_waiting.hpp"
#include "transport/mpi/report_file.hpp"
#include "transport/mpi/synchronize.hpp"
#include "transport/mpi/wtime_clock.hpp"
#ifdef BERKELEY_WITH_TCP
#include "transport/tcp/tcp_guests.hpp"
#endif

namespace {

namespace bmpi = boost::mpi;
using namespace berkeley;

constexpr Nanoseconds kInstantLead{std::chrono::milliseconds(20)};
constexpr Nanoseconds kInstantLeadPerGuest{std::chrono::microseconds(20)};  // a PROBE line to each TCP client
constexpr int kAuditExchanges = 8;
const std::vector<Nanoseconds> kLaterInstants{std::chrono::seconds(1), std::chrono::seconds(10)};

// Rank 0: the TCP clients of --serve-tcp, joined (nullptr without --serve-tcp). Every rank learns whether
// they joined, and all leave together with the same exit code if they did not (a key file refused: 2; no
// listening, too few clients: 5).
int join_guests(const bmpi::communicator& world, const RunOptions& options, const Clock& clock, const Clock& reference,
                std::unique_ptr<GuestGroup>& guests) {
  if (!options.serve_tcp) return kExitOk;
  int joined = kExitOk;
  if (world.rank() == 0) {
#ifdef BERKELEY_WITH_TCP
    tcp::GuestConfig config;
    if (!options.serve_tcp->key_file.empty()) {
      tcp::KeyFileResult key = tcp::read_key_file(options.serve_tcp->key_file);
      if (!key.key) {
        std::cerr << "berkeley_mpi: " << key.error << '\n';
        joined = kExitUsage;
      }
      config.key = key.key;
    } else if (!cli::is_loopback_address(options.serve_tcp->bind_address)) {
      std::cerr << cli::insecure_warning("berkeley_mpi", options.serve_tcp->bind_address) << '\n';
    }
    config.clients = options.serve_tcp->clients;
    config.bind_address = options.serve_tcp->bind_address;
    config.port = options.serve_tcp->port;
    config.timeout_ns = options.serve_tcp->timeout_ns;
    config.join_timeout_ns = options.serve_tcp->join_timeout_ns;
    config.pingpong = berkeley::mpi::SyncOptions{}.pingpong;
    config.pingpong.patience.budget_ns = options.patience_ns;
    config.quiet = options.quiet;
    if (joined == kExitOk) {
      auto tcp_guests = std::make_unique<tcp::TcpGuests>(config, clock, reference, std::cout, std::cerr);
      if (const auto problem = tcp_guests->join()) {
        std::cerr << "berkeley_mpi: --serve-tcp: " << *problem << '\n';
        joined = kExitNetworkError;
      } else {
        guests = std::move(tcp_guests);
      }
    }
#else
    (void)clock;
    (void)reference;
    std::cerr << "berkeley_mpi: --serve-tcp: this build has no TCP transport (BERKELEY_WITH_TCP=OFF)\n";
    joined = kExitNetworkError;
#endif
  }
  bmpi::broadcast(world, joined, 0);
  return joined;
}

RunParameters describe(const RunOptions& options, int ranks) {
  RunParameters p;
  p.ranks = ranks;
  p.rounds = options.rounds;
  p.seed = options.clock.seed;
  p.max_offset_ns = options.clock.max_offset_ns;
  p.drift_ppm = options.clock.drift_ppm;
  p.tolerance_ns = options.effective_tolerance();
  p.clock = clock_kind_name(options.clock.kind);
  p.method = std::string(sync_method_name(options.method));
  p.interval_ns = options.interval_ns;
  p.node_size = options.node_size;
  p.exchanges = options.method == SyncMethod::collective ? options.exchanges : 0;
  return p;
}

int run(const bmpi::communicator& world, const RunOptions& options) {
  const bool master = world.rank() == 0;

  // Open the report files before any work, and let every rank know whether it worked.
  ReportFiles files(options.json_path, options.offsets_path, options.csv_path);
  for (ReportFile* file : files.all()) {
    if (!berkeley::mpi::open_on_root(world, *file)) {
      if (master) std::cerr << cannot_open_message("berkeley_mpi", *file) << '\n';
      return kExitOutputError;
    }
  }

  const MonotonicClock reference;
  const std::unique_ptr<Clock> local_clock =
      make_clock(options.clock, static_cast<std::uint64_t>(world.rank()), reference,
                 [] { return std::make_unique<berkeley::mpi::WtimeClock>(); });
  CorrectedClock clock(*local_clock);
  const std::vector<berkeley::mpi::RankPlace> places = berkeley::mpi::gather_places(world);
  std::unique_ptr<GuestGroup> guests;  // rank 0, with --serve-tcp
  if (const int code = join_guests(world, options, clock, reference, guests); code != kExitOk) return code;
  const int guest_count = guests ? guests->size() : 0;

  if (master && !options.quiet) {
    std::cout << "berkeley_mpi: " << world.size() << " ranks, master rank 0, clock "
              << clock_kind_name(options.clock.kind) << ", method " << sync_method_name(options.method) << ", seed "
              << options.clock.seed << ", " << options.rounds << " round(s)";
    if (guests) std::cout << ", " << guest_count << " TCP client(s) in the same group";
    std::cout << '\n';
  }
  berkeley::mpi::SyncOptions sync_options;
  sync_options.rounds = options.rounds;
  sync_options.interval_ns = options.interval_ns;
  sync_options.tolerance_ns = options.effective_tolerance();
  sync_options.method = options.method;
  sync_options.virtual_node_size = options.node_size;
  sync_options.collective.max_exchanges = options.exchanges;
  sync_options.pingpong.patience.budget_ns = options.patience_ns;
  if (options.polite_waiting) {
    sync_options.waiting = *options.polite_waiting ? berkeley::mpi::Waiting::polite : berkeley::mpi::Waiting::busy;
  }
  sync_options.guests = guests.get();
  const auto outcome = berkeley::mpi::synchronize(world, clock, sync_options, [&](const RoundSummary& round) {
    if (!options.quiet) write_round_line(std::cout, round, options.rounds);
  });
  // the guests first: the ranks wait for their audit ping point to point meanwhile
  const std::vector<std::optional<AuditEstimate>> guest_audits =
      guests ? guests->audit(kAuditExchanges) : std::vector<std::optional<AuditEstimate>>{};
  const std::vector<AuditEstimate> audits = berkeley::mpi::audit_offsets(world, clock, kAuditExchanges);
  const std::vector<Nanoseconds> later = sync_options.corrects_drift() ? kLaterInstants : std::vector<Nanoseconds>{};
  const auto observations = berkeley::mpi::probe_shared_instant(
      world, clock, reference, kInstantLead + kInstantLeadPerGuest * guest_count, later, [&](ClockReading instant) {
        if (guests) guests->ask_to_read_at(instant);
      });
  const std::vector<std::optional<InstantObservation>> guest_readings =
      guests ? guests->readings(observations.front()) : std::vector<std::optional<InstantObservation>>{};
  if (guests) guests->close(std::to_string(options.rounds) + " round(s) done");

  RunReport report;
  if (master) {
    // every rank is a row: over MPI each is reached in every round and read at the shared instant (or the job
    // aborts); one whose estimate failed (a clock that ran backwards) stays a row, excluded, its truth measured
    std::vector<GroupMember> members(static_cast<std::size_t>(world.size()));
    // simulated clocks: their rates are known to differ by up to twice the drawn range; the others here
    // share the host's CLOCK_MONOTONIC rate (across hosts the bound holds at the sync's end)
    const double rate_spread_ppm = options.clock.kind == ClockKind::simulated ? 2.0 * options.clock.drift_ppm : 0.0;
    const ClockReading master_at_instant = observations.front().raw_ns;
    for (std::size_t r = 0; r < members.size(); ++r) {
      members[r].is_master = r == 0;
      members[r].rounds_answered = options.rounds;
      members[r].read_at_instant = true;
      RankInputs& in = members[r].inputs;
      in.id = static_cast<int>(r);
      in.transport = "mpi";
      in.bound_ns = outcome.bound_from_master(r, master_at_instant, rate_spread_ppm);
      for (const Nanoseconds after : later) {
        in.later_bound_ns.push_back(outcome.bound_from_master(r, master_at_instant + after, rate_spread_ppm));
      }
      in.host = places[r].host;
      in.clock_domain = places[r].clock_domain;
      in.at_instant = observations[r];
      in.first_estimate = outcome.first_estimates[r].value_or(PeerEstimate{});
      in.excluded = outcome.excluded[r];
      in.audit = audits[r];
      if (outcome.drift) in.drift = outcome.drift->ranks[r];
      if (options.clock.kind == ClockKind::simulated) {
        const SimulatedClockParams drawn =
            draw_simulated_clock(options.clock.seed, r, options.clock.max_offset_ns, options.clock.drift_ppm);
        in.simulated_offset_ns = drawn.offset_ns;
        in.simulated_drift_ppm = drawn.drift_ppm;
      }
    }
    for (int g = 0; g < guest_count; ++g) {
      const std::size_t m = static_cast<std::size_t>(world.size() + g);
      GroupMember guest;
      guest.rounds_answered = outcome.rounds_answered[m];
      guest.read_at_instant = guest_readings[static_cast<std::size_t>(g)].has_value();
      guest.last_failure = guests->failure(g);
      RankInputs& in = guest.inputs;
      in.id = static_cast<int>(guests->id(g));
      in.transport = "tcp";
      in.host = guests->host(g);
      in.clock_domain = guests->clock_domain(g);
      if (guest.read_at_instant) in.at_instant = *guest_readings[static_cast<std::size_t>(g)];
      in.first_estimate = outcome.first_estimates[m].value_or(PeerEstimate{});
      in.excluded = outcome.excluded[m];
      in.audit = guest_audits[static_cast<std::size_t>(g)];
      in.bound_ns = outcome.bound_from_master(m, master_at_instant, rate_spread_ppm);
      for (const Nanoseconds after : later) {
        in.later_bound_ns.push_back(outcome.bound_from_master(m, master_at_instant + after, rate_spread_ppm));
      }
      // fitted like the ranks, but sent its offset only (its rate applied: 0); its clock at the later
      // instants is not known here (a client is read at the shared instant only)
      if (outcome.drift && outcome.drift->ranks[m].planned) in.drift = outcome.drift->ranks[m];
      members.push_back(guest);
    }
    report = build_group_report(describe(options, world.size()), group_rows(members, "client"), outcome.rounds,
                                "CLOCK_MONOTONIC", later, options.require_precision_ns);
    report.levels = outcome.levels;
  }
  // rank 0 writes the report and decides the exit code; every rank exits with it
  int exit_code = kExitOk;
  if (master) {
    write_report_text(std::cout, report, options.quiet);
    exit_code = berkeley::exit_code({save_and_judge(report, files, std::cerr, "berkeley_mpi")});
  }
  bmpi::broadcast(world, exit_code, 0);
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // before MPI_Init: Open MPI polls or yields inside MPI calls as this node's placement needs
  berkeley::mpi::choose_progress_waiting(argc, argv);
  bmpi::environment env(argc, argv);
  const bmpi::communicator world;
  // Every rank parses the same argv to the same verdict, so all leave together; only rank 0 speaks.
  const ParsedCommandLine parsed = parse_run_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.options) {
    return cli::stop_with("berkeley_mpi", parsed, world.rank() == 0, berkeley::mpi::library_version());
  }
  try {
    return run(world, *parsed.options);
  } catch (const std::exception& error) {
    // one rank failed where others may be inside a collective: abort the job rather than hang it
    std::cerr << "berkeley_mpi: rank " << world.rank() << ": " << error.what() << '\n';
    env.abort(kExitInternalError);
  }
  return kExitInternalError;
}
