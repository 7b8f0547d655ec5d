// berkeley_bench: how fast and how precise each sync method is, against the floors of this machine's
// MPI measured in the same run. A program that prints figures, not a timed test.
//
//   mpirun -np 4 ./berkeley_bench --syncs 100 --probes 10 --json bench-4.json     (scripts/bench.sh runs np 2, 4, 8,
//   16)
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/program_options.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bench/mpi/floors.hpp"
#include "bench/mpi/method_run.hpp"
#include "cli/command_line.hpp"
#include "cli/exit_codes.hpp"
#include "cli/option_values.hpp"
#include "cli/sync_method_value.hpp"
#include "core/duration_text.hpp"
#include "sync/tree.hpp"
#include "transport/mpi/library_version.hpp"
#include "transport/mpi/progress_waiting.hpp"
#include "transport/mpi/report_file.hpp"

namespace {

namespace bmpi = boost::mpi;
namespace po = boost::program_options;
using namespace berkeley;

struct BenchOptions {
  int syncs = 100;
  int probes = 10;
  std::vector<SyncMethod> methods{SyncMethod::collective, SyncMethod::pingpong, SyncMethod::tree};
  int node_size = 0;  // tree: 0 = ceil(sqrt(np)) virtual nodes
  Nanoseconds later_ns{std::chrono::seconds(1)};
  bool simulated = false;
  std::string json_path;
};

using ParsedBenchCommandLine = cli::ParsedOptions<BenchOptions>;

ParsedBenchCommandLine parse(const std::vector<std::string>& args) {
  po::options_description desc("berkeley_bench options");
  // clang-format off
  desc.add_options()("help,h", "show this help")("version", "print the version (program, git revision, MPI library) and exit")
      ("syncs", po::value<std::string>()->default_value("100"), "timed syncs per method (the median time is reported)")
      ("probes", po::value<std::string>()->default_value("10"),
       "further syncs per method whose true spread is probed just after and --later after (median reported)")
      ("methods", po::value<std::string>()->default_value("collective,pingpong,tree"), "comma-separated methods")
      ("node-size", po::value<std::string>()->default_value("0"), "tree: virtual node size (0: ceil(sqrt(np)))")
      ("later", po::value<std::string>()->default_value("1s"), "also measure the true spread this long after each probed sync")
      ("clock", po::value<std::string>()->default_value("system"), "system: each rank's MPI_Wtime; sim: simulated")
      ("json", po::value<std::string>(), "write the figures to this file");
  // clang-format on
  std::ostringstream help;
  help << "Usage: mpirun -np N berkeley_bench [options]\n\n"
       << desc
       << "\nExample:\n  mpirun -np 4 ./berkeley_bench --syncs 100 --probes 10 --json bench-4.json"
          "   # scripts/bench.sh --plot draws them\n"
          "Exit codes: 0 ok, 2 bad command line, 3 --json not writable, 1 internal or MPI error.\n";
  return cli::parse_command_line<ParsedBenchCommandLine>(
      cli::read_command_line(args, desc, help.str()), [](const po::variables_map& vm, ParsedBenchCommandLine& parsed) {
        BenchOptions out;
        out.syncs = static_cast<int>(cli::integer_value("syncs", cli::text_of(vm, "syncs"), 1, 100'000));
        out.probes = static_cast<int>(cli::integer_value("probes", cli::text_of(vm, "probes"), 1, 10'000));
        out.methods.clear();
        for (const std::string& name : cli::split_list(cli::text_of(vm, "methods"))) {
          out.methods.push_back(cli::sync_method_value("methods", name));
        }
        out.node_size = static_cast<int>(cli::integer_value("node-size", cli::text_of(vm, "node-size"), 0, 1'000'000));
        out.later_ns = cli::duration_of(vm, "later", true, Nanoseconds{std::chrono::hours(1)});
        const std::string clock = cli::text_of(vm, "clock");
        if (clock != "system" && clock != "sim") {
          throw cli::BadValue{cli::bad_value("clock", clock, "is not one of: system, sim")};
        }
        out.simulated = clock == "sim";
        if (vm.count("json") != 0) out.json_path = cli::file_name_of(vm, "json");
        parsed.options = out;
      });
}

std::vector<std::int64_t> counts_of(const std::vector<Nanoseconds>& values) {
  std::vector<std::int64_t> counts;
  for (const Nanoseconds value : values) counts.push_back(value.count());
  return counts;
}

std::string us(Nanoseconds value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", static_cast<double>(value.count()) / 1e3);
  return text;
}

}  // namespace

int run(const bmpi::communicator& world, int argc, char** argv);

int main(int argc, char** argv) {
  // before MPI_Init: Open MPI polls or yields inside MPI calls as this node's placement needs
  berkeley::mpi::choose_progress_waiting(argc, argv);
  bmpi::environment env(argc, argv);
  const bmpi::communicator world;
  try {
    return run(world, argc, argv);
  } catch (const std::exception& error) {
    // one rank failed where others may be inside a collective: abort the job rather than hang it
    std::cerr << "berkeley_bench: rank " << world.rank() << ": " << error.what() << '\n';
    env.abort(kExitInternalError);
  }
  return kExitInternalError;
}

int run(const bmpi::communicator& world, int argc, char** argv) {
  const bool master = world.rank() == 0;
  // every rank parses the same arguments to the same verdict; only rank 0 speaks
  const ParsedBenchCommandLine parsed = parse(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.options) return cli::stop_with("berkeley_bench", parsed, master, mpi::library_version());
  const BenchOptions& options = *parsed.options;

  ReportFile json_file(options.json_path);
  if (!mpi::open_on_root(world, json_file)) {
    if (master) std::cerr << cannot_open_message("berkeley_bench", json_file) << '\n';
    return kExitOutputError;
  }

  const mpi::bench::Floors floors = mpi::bench::measure_floors(world);
  const int node_size = options.node_size > 0 ? options.node_size : balanced_node_size(world.size());
  std::vector<mpi::bench::MethodFigures> figures;
  for (const SyncMethod method : options.methods) {
    mpi::bench::MethodRunOptions run;
    run.method = method;
    run.syncs = options.syncs;
    run.probes = options.probes;
    run.node_size = method == SyncMethod::tree ? node_size : 0;
    run.later_ns = options.later_ns;
    run.simulated = options.simulated;
    figures.push_back(mpi::bench::run_method(world, run));
  }
  if (!master) return kExitOk;

  const double floor_ns = static_cast<double>(floors.gather_scatter_ns.count());
  std::cout << "berkeley_bench: np " << world.size() << ", " << options.syncs << " timed syncs and " << options.probes
            << " probed syncs per method, clock " << (options.simulated ? "simulated" : "MPI_Wtime")
            << ", tree with virtual nodes of " << node_size << "\n"
            << "floors [us]: MPI_Barrier " << us(floors.barrier_ns) << ", MPI_Gather+MPI_Scatter of one int64 "
            << us(floors.gather_scatter_ns) << ", half min ping-pong RTT " << us(floors.half_min_rtt_ns) << "\n";
  if (!options.simulated) {
    bool calibrated = true;
    Nanoseconds bound{0};
    for (const mpi::bench::MethodFigures& f : figures) {
      calibrated = calibrated && f.truth_calibrated;
      bound = std::max(bound, f.truth_bound_ns);
    }
    if (calibrated) {
      std::cout << "truth: every rank's MPI_Wtime calibrated as CLOCK_MONOTONIC + a constant, known to +-"
                << bound.count() << " ns (largest on any rank; calibrations before and after the syncs agree)\n";
    } else {
      std::cout << "truth: MPI_Wtime is not a constant shift of CLOCK_MONOTONIC on some rank: read at the instant,"
                   " bracketed by CLOCK_MONOTONIC (error up to half the bracket, about 20-40 ns here)\n";
    }
  }
  std::cout << "sync time: until every clock is corrected (slowest rank, median); x G+S: over MPI_Gather+MPI_Scatter "
               "timed just before each sync (median; in us)\n";
  std::printf("%-11s %16s %18s %18s %18s %18s\n", "method", "sync time [us]", "x G+S (G+S)", "spread after [us]",
              ("spread +" + short_duration(options.later_ns) + " [us]").c_str(), "max spread [us]");
  nlohmann::json doc;
  doc["np"] = world.size();
  doc["syncs"] = options.syncs;
  doc["probes"] = options.probes;
  doc["clock"] = options.simulated ? "simulated" : "mpi_wtime";
  doc["node_size"] = node_size;
  doc["later_ns"] = options.later_ns.count();
  doc["floors"] = {{"barrier_ns", floors.barrier_ns.count()},
                   {"gather_scatter_ns", floors.gather_scatter_ns.count()},
                   {"half_min_rtt_ns", floors.half_min_rtt_ns.count()}};
  for (const mpi::bench::MethodFigures& f : figures) {
    const double ratio = static_cast<double>(f.median_sync_time_ns.count()) /
                         static_cast<double>(std::max<std::int64_t>(1, f.median_floor_ns.count()));
    char ratio_text[48];
    std::snprintf(ratio_text, sizeof ratio_text, "%.2f (%s)", ratio, us(f.median_floor_ns).c_str());
    std::printf("%-11s %16s %18s %18s %18s %18s\n", std::string(sync_method_name(f.method)).c_str(),
                us(f.median_sync_time_ns).c_str(), ratio_text, us(f.median_spread_after_ns).c_str(),
                us(f.median_spread_later_ns).c_str(), us(f.max_spread_after_ns).c_str());
    doc["methods"][std::string(sync_method_name(f.method))] = {
        {"median_sync_time_ns", f.median_sync_time_ns.count()},
        {"median_sync_time_with_report_ns", f.median_reported_sync_time_ns.count()},
        {"sync_time_over_gather_scatter", ratio},
        {"sync_time_over_initial_gather_scatter", static_cast<double>(f.median_sync_time_ns.count()) / floor_ns},
        {"median_gather_scatter_before_sync_ns", f.median_floor_ns.count()},
        {"median_spread_after_ns", f.median_spread_after_ns.count()},
        {"median_spread_later_ns", f.median_spread_later_ns.count()},
        {"max_spread_after_ns", f.max_spread_after_ns.count()},
        {"sync_times_ns", counts_of(f.sync_times_ns)},
        {"spreads_after_ns", counts_of(f.spreads_after_ns)},
        {"spread_bounds_ns", counts_of(f.spread_bounds_ns)},
        {"probe_read_windows_ns", counts_of(f.probe_read_windows_ns)},
        {"truth", options.simulated    ? "exact"
                  : f.truth_calibrated ? "calibrated"
                                       : "bracketed reads"},
        {"truth_bound_ns", f.truth_bound_ns.count()}};
  }
  std::cout << "with the report built (SyncOptions::report, as berkeley_mpi syncs) [us]:";
  for (const mpi::bench::MethodFigures& f : figures) {
    std::cout << ' ' << sync_method_name(f.method) << ' ' << us(f.median_reported_sync_time_ns);
  }
  std::cout << '\n';
  if (!json_file.write([&](std::ostream& out) { out << doc.dump(2) << '\n'; })) {
    std::cerr << write_failed_message("berkeley_bench", json_file) << '\n';
    return kExitOutputError;
  }
  return kExitOk;
}
