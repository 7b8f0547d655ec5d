// berkeley_mpi: one Berkeley clock synchronization over MPI. Parse → run → exit code; the work is in
// the libraries (core, clock, transport/mpi, report).
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/run_options.hpp"
#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "report/json_writer.hpp"
#include "report/report_builder.hpp"
#include "report/table_writer.hpp"
#include "transport/mpi/instant_probe.hpp"
#include "transport/mpi/synchronize.hpp"
#include "transport/mpi/wtime_clock.hpp"

namespace {

namespace bmpi = boost::mpi;
using namespace berkeley;

constexpr Nanoseconds kInstantLead{std::chrono::milliseconds(20)};

// every rank must take the same branch: a rank that bails out alone would leave the others in a collective
bool all_ranks_agree(const bmpi::communicator& world, bool ok_here) {
  bool ok_everywhere = false;
  bmpi::all_reduce(world, ok_here, ok_everywhere, std::logical_and<>());
  return ok_everywhere;
}

std::unique_ptr<Clock> make_clock(const RunOptions& options, int rank, const Clock& reference) {
  switch (options.clock) {
    case ClockKind::simulated: {
      const SimulatedClockParams params = draw_simulated_clock(options.seed, static_cast<std::uint64_t>(rank),
                                                               options.max_offset_ns, options.drift_ppm);
      return std::make_unique<SimulatedClock>(reference, params, reference.now());
    }
    case ClockKind::mpi_wtime: return std::make_unique<berkeley::mpi::WtimeClock>();
    case ClockKind::realtime: return std::make_unique<RealtimeClock>();
  }
  return nullptr;
}

int run(const bmpi::communicator& world, const RunOptions& options) {
  const bool master = world.rank() == 0;

  // Open the report file before any work, and let every rank know whether it worked.
  std::ofstream json_file;
  if (master && !options.json_path.empty()) json_file.open(options.json_path);
  const bool json_ok = options.json_path.empty() || !master || json_file.is_open();
  if (!all_ranks_agree(world, json_ok)) {
    if (master) std::cerr << "berkeley_mpi: --json: cannot write '" << options.json_path << "'\n";
    return kExitOutputError;
  }

  const MonotonicClock reference;
  const std::unique_ptr<Clock> local_clock = make_clock(options, world.rank(), reference);
  CorrectedClock clock(*local_clock);
  const std::vector<std::string> hosts = berkeley::mpi::gather_host_names(world);

  if (master && !options.quiet) {
    std::cout << "berkeley_mpi: " << world.size() << " ranks, master rank 0, clock " << clock_kind_name(options.clock)
              << ", seed " << options.seed << ", " << options.rounds << " round(s)\n";
  }
  berkeley::mpi::SyncOptions sync_options;
  sync_options.rounds = options.rounds;
  sync_options.tolerance_ns = options.effective_tolerance();
  const auto outcome = berkeley::mpi::synchronize(world, clock, sync_options, [&](const RoundReport& round) {
    if (!options.quiet) write_round_line(std::cout, round, options.rounds);
  });
  const auto observations = berkeley::mpi::probe_shared_instant(world, clock, reference, kInstantLead);

  if (!master) return kExitOk;
  RunParameters parameters{world.size(),        options.rounds,          options.seed,
                           options.max_offset_ns, options.drift_ppm,     options.effective_tolerance(),
                           clock_kind_name(options.clock), "collective"};
  std::vector<RankInputs> ranks(static_cast<std::size_t>(world.size()));
  for (std::size_t r = 0; r < ranks.size(); ++r) {
    ranks[r].host = hosts[r];
    ranks[r].at_instant = observations[r];
    ranks[r].first_estimate = outcome.first_estimates[r].value_or(PeerEstimate{});
    ranks[r].total_correction_ns = outcome.total_corrections_ns[r];
    ranks[r].excluded = outcome.excluded[r];
    if (options.clock == ClockKind::simulated) {
      const SimulatedClockParams drawn =
          draw_simulated_clock(options.seed, r, options.max_offset_ns, options.drift_ppm);
      ranks[r].simulated_offset_ns = drawn.offset_ns;
      ranks[r].simulated_drift_ppm = drawn.drift_ppm;
    }
  }
  const RunReport report = build_run_report(parameters, ranks, outcome.rounds, "CLOCK_MONOTONIC");
  if (options.quiet) {
    write_summary(std::cout, report);
  } else {
    write_table(std::cout, report);
  }
  if (json_file.is_open()) {
    write_json(json_file, report);
    json_file.close();
    if (!json_file) {
      std::cerr << "berkeley_mpi: --json: writing '" << options.json_path << "' failed\n";
      return kExitOutputError;
    }
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  bmpi::environment env(argc, argv);
  const bmpi::communicator world;
  // Every rank parses the same argv to the same verdict, so all leave together; only rank 0 speaks.
  const ParsedCommandLine parsed = parse_run_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.options) {
    if (world.rank() == 0) (parsed.exit_code == kExitOk ? std::cout : std::cerr) << (parsed.exit_code == kExitOk ? "" : "berkeley_mpi: ") << parsed.message << '\n';
    return parsed.exit_code;
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
