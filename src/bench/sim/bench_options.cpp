#include "bench/sim/bench_options.hpp"

#include <boost/program_options.hpp>
#include <cmath>
#include <sstream>

#include "cli/command_line.hpp"
#include "cli/exit_codes.hpp"
#include "cli/option_values.hpp"

namespace po = boost::program_options;

namespace berkeley::sim::bench {
namespace {

constexpr int kMaxParticipants = 1'000'000;  // a whole run: about 330 bytes each (docs/simulation.md)

constexpr const char* kUsage = "Usage: berkeley_sim_bench [options]";
constexpr const char* kExample =
    "Example:\n"
    "  ./berkeley_sim_bench --sizes 100,1000,10000,100000 --json sim.json\n"
    "  ./berkeley_sim_bench --methods tree --node-size 32 --silent-fraction 0.01 --drift-ppm 50\n"
    "Durations take a unit: ns, us, ms, s (a bare number is seconds).\n"
    "Exit codes: 0 ok, 2 bad command line, 3 --json not writable, 1 internal error.\n";

using cli::bad_value;
using cli::BadValue;

using cli::text_of;

// "100", "1e5" or "100000": a participant count (a number, as cli::number_value reads it, that is whole)
int size_value(const std::string& item) {
  const std::string expected =
      "is not a participant count in 2.." + std::to_string(kMaxParticipants) + " (examples: 100, 1e5)";
  const double value = cli::number_value("sizes", item, 2, kMaxParticipants, expected);
  if (value != std::floor(value)) throw BadValue{bad_value("sizes", item, expected)};
  return static_cast<int>(value);
}

std::vector<SimMethod> methods_value(const std::string& text) {
  std::vector<SimMethod> methods;
  for (const std::string& item : cli::split_list(text)) {
    const std::optional<SimMethod> method = parse_sim_method(item);
    if (!method)
      throw BadValue{bad_value("methods", item, "is not one of: collective, pingpong, tree, tree-collective")};
    methods.push_back(*method);
  }
  return methods;
}

po::options_description describe_options() {
  po::options_description desc("Options");
  // Values are taken as text and validated below, so every error names the option and the value.
  // clang-format off
  desc.add_options()
      ("help,h", "show this help and exit")
      ("version", "print the version (program, git revision) and exit")
      ("sizes", po::value<std::string>()->default_value("100,1000,10000,100000"),
       "participant counts p, comma-separated (2..1000000; 1e5 is accepted)")
      ("methods", po::value<std::string>()->default_value("collective,pingpong,tree,tree-collective"),
       "comma-separated: collective, pingpong, tree (ping-pong at both levels), tree-collective")
      ("node-size", po::value<std::string>()->default_value("sqrt"),
       "tree: participants per node, or 'sqrt' for ceil(sqrt(p))")
      ("seed", po::value<std::string>()->default_value("1"), "seed of links, jitter and clocks: same seed, same figures")
      ("latency", po::value<std::string>()->default_value("5us"), "one-way latency between two symmetric participants")
      ("jitter", po::value<std::string>()->default_value("2us"), "each message's delay grows by uniform [0, this]")
      ("asymmetry", po::value<std::string>()->default_value("1us"),
       "each participant's link: uplink - downlink uniform in +-this (at most --latency)")
      ("message-cost", po::value<std::string>()->default_value("1us"),
       "time a participant spends handling one message it sends or receives")
      ("slow-fraction", po::value<std::string>()->default_value("0.01"), "fraction of participants with a slow link")
      ("slow-delay", po::value<std::string>()->default_value("100us"), "extra one-way delay to and from a slow participant")
      ("silent-fraction", po::value<std::string>()->default_value("0.001"),
       "fraction of participants that never answer (the master always does)")
      ("timeout", po::value<std::string>()->default_value("1ms"), "a reply not arrived this long after its request is given up")
      ("drift-ppm", po::value<std::string>()->default_value("10"), "clock drifts uniform in +-this many ppm")
      ("max-offset", po::value<std::string>()->default_value("1s"), "clock offsets uniform in +-this")
      ("tolerance", po::value<std::string>(), "fault-tolerant average: clocks further than this from the median are "
                                              "left out of the average; default 2 x max-offset")
      ("min-exchanges", po::value<std::string>()->default_value("4"), "ping-pong: at least this many exchanges per peer")
      ("max-exchanges", po::value<std::string>()->default_value("16"), "ping-pong: at most this many exchanges per peer")
      ("json", po::value<std::string>(), "also write the results to this file as JSON");
  // clang-format on
  return desc;
}

NetworkParams network_value(const po::variables_map& vm) {
  NetworkParams n;
  n.seed = cli::unsigned_value("seed", text_of(vm, "seed"));  // 0..2^64-1, as berkeley_mpi and berkeley_client
  n.latency_ns = cli::duration_of(vm, "latency", true);
  n.jitter_ns = cli::duration_of(vm, "jitter", true);
  n.asymmetry_ns = cli::duration_of(vm, "asymmetry", true);
  if (n.asymmetry_ns > n.latency_ns) {
    throw BadValue{
        bad_value("asymmetry", text_of(vm, "asymmetry"), "must not exceed --latency (" + text_of(vm, "latency") + ")")};
  }
  n.message_cost_ns = cli::duration_of(vm, "message-cost", true);
  const std::string fraction = "is not a fraction between 0 and 1";
  n.slow_fraction = cli::number_value("slow-fraction", text_of(vm, "slow-fraction"), 0.0, 1.0, fraction);
  n.slow_delay_ns = cli::duration_of(vm, "slow-delay", true);
  n.silent_fraction = cli::number_value("silent-fraction", text_of(vm, "silent-fraction"), 0.0, 1.0, fraction);
  n.timeout_ns = cli::duration_of(vm, "timeout", false);
  n.drift_ppm = cli::drift_value("drift-ppm", text_of(vm, "drift-ppm"));
  n.max_offset_ns = cli::duration_of(vm, "max-offset", true);
  return n;
}

BenchOptions options_value(const po::variables_map& vm) {
  BenchOptions options;
  options.network = network_value(vm);
  options.sizes.clear();
  for (const std::string& item : cli::split_list(text_of(vm, "sizes"))) options.sizes.push_back(size_value(item));
  options.methods = methods_value(text_of(vm, "methods"));
  const std::string node_size = text_of(vm, "node-size");
  options.node_size =
      node_size == "sqrt" ? 0 : static_cast<int>(cli::integer_value("node-size", node_size, 1, kMaxParticipants));
  cli::read_exchanges(vm, options.pingpong);
  if (vm.count("tolerance") != 0) options.tolerance_ns = cli::duration_of(vm, "tolerance", true);
  if (vm.count("json") != 0) options.json_path = cli::file_name_of(vm, "json");
  return options;
}

}  // namespace

ParsedBenchCommandLine parse_bench_options(const std::vector<std::string>& args) {
  const po::options_description desc = describe_options();
  std::ostringstream help;
  help << kUsage << "\n\nSimulates p participants in this one process (no MPI, no sockets) and runs the project's "
       << "Berkeley\nsynchronization over them: for each method and p, the messages handled by the busiest "
       << "participant,\nthe simulated sync time, and the true spread of the clocks before and after.\n\n"
       << desc << '\n'
       << kExample;
  return cli::parse_command_line<ParsedBenchCommandLine>(
      cli::read_command_line(args, desc, help.str()),
      [](const po::variables_map& vm, ParsedBenchCommandLine& parsed) { parsed.options = options_value(vm); });
}

}  // namespace berkeley::sim::bench
