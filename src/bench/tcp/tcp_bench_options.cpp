#include "bench/tcp/tcp_bench_options.hpp"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <sstream>

#include "cli/command_line.hpp"
#include "cli/option_values.hpp"

namespace berkeley::tcp::bench {
namespace {

namespace po = boost::program_options;

std::string directory_of_this_program() {
  char path[4096] = {};
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return ".";
  std::string p(path, static_cast<std::size_t>(n));
  return p.substr(0, p.rfind('/'));
}

}  // namespace

ParsedBenchCommandLine parse_bench_options(const std::vector<std::string>& args) {
  po::options_description desc("berkeley_tcp_bench options");
  // clang-format off
  desc.add_options()("help,h", "show this help")("version", "print the version (program, git revision) and exit")
      ("clients", po::value<std::string>()->default_value("10,100,1000"), "client counts, comma-separated (1..10000 each)")
      ("rounds", po::value<std::string>()->default_value("5"), "rounds per run (1..1000)")
      ("master", po::value<std::string>(), "the berkeley_master to run (default: the one next to this program)")
      ("min-exchanges", po::value<std::string>()->default_value("4"), "exchanges per client and round, at least")
      ("max-exchanges", po::value<std::string>()->default_value("16"), "exchanges per client and round, at most")
      ("keep-json", po::value<std::string>(), "keep each run's report in this directory as clients-N.json");
  // clang-format on
  std::ostringstream help;
  help << "Usage: berkeley_tcp_bench [options]\n"
          "Runs berkeley_master against that many client connections on loopback (held by this process) and\n"
          "reports the master's round time and peak RSS. Target: 1,000 clients, one round <= 100 ms, RSS <= 64 MiB.\n\n"
       << desc << "\nExample:\n  ./berkeley_tcp_bench --clients 10,100,1000 --rounds 3 --keep-json /tmp/tcp-bench\n"
       << "\nExit codes: 0 all runs completed and met the target; 4 a target missed; 5 a run failed (a client\n"
          "failed, or the master did not report or exited non-zero) or too few file descriptors; 3 a report could\n"
          "not be kept (--keep-json); 2 bad command line.\n";
  return cli::parse_command_line<ParsedBenchCommandLine>(
      cli::read_command_line(args, desc, help.str()), [](const po::variables_map& vm, ParsedBenchCommandLine& parsed) {
        BenchOptions options;
        // split_list: an empty list or item is named as bad, never skipped
        for (const std::string& item : cli::split_list(cli::text_of(vm, "clients"))) {
          options.client_counts.push_back(cli::integer_value("clients", item, 1, 10'000));
        }
        options.rounds = static_cast<int>(cli::integer_value("rounds", cli::text_of(vm, "rounds"), 1, 1000));
        options.master_path = vm.count("master") != 0 ? cli::file_name_of(vm, "master")
                                                      : directory_of_this_program() + "/berkeley_master";
        cli::read_exchanges(vm, options.exchanges);  // checked here as the master would, before any run
        if (vm.count("keep-json") != 0) options.keep_json_dir = cli::file_name_of(vm, "keep-json", "a directory");
        parsed.options = options;
      });
}

}  // namespace berkeley::tcp::bench
