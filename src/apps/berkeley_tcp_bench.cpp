// berkeley_tcp_bench: not a test, a measurement. Starts the real berkeley_master (port 0) for each client
// count, holds that many client connections in this one process (load mode: every connection runs the same
// ClientSession as berkeley_client, on one event loop), and reports the master's round time (from its JSON
// report) and its peak resident memory (from wait4). Target: a round of 1,000 clients <= 100 ms, RSS <= 64 MiB.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/exit_codes.hpp"
#include "cli/option_values.hpp"
#include "core/median.hpp"
#include "transport/tcp/fd_limit.hpp"
#include "transport/tcp/load_clients.hpp"

extern char** environ;

namespace {

namespace po = boost::program_options;
using namespace berkeley;

// filled from the command line (the defaults are the options' default values)
struct BenchOptions {
  std::vector<std::int64_t> client_counts;
  int rounds = 0;
  std::string master_path;
  PingPongPolicy exchanges;
  std::string keep_json_dir;  // keep each run's report there as clients-N.json
};

// A temporary file for the master's report, removed whichever way measure() leaves.
class TemporaryReport {
 public:
  TemporaryReport() {
    const int fd = mkstemp(path_);
    if (fd < 0) throw std::runtime_error(std::string("cannot create a temporary report file: ") + std::strerror(errno));
    close(fd);
  }
  ~TemporaryReport() { unlink(path_); }
  TemporaryReport(const TemporaryReport&) = delete;
  TemporaryReport& operator=(const TemporaryReport&) = delete;
  [[nodiscard]] const char* path() const { return path_; }

 private:
  char path_[32] = "/tmp/berkeley_tcp_bench_XXXXXX";
};

struct Measurement {
  std::int64_t clients = 0;
  std::vector<std::int64_t> round_ns;
  long peak_rss_kib = 0;
  std::int64_t max_abs_residual_ns = 0;
  double exchanges_per_client = 0;        // round 1, mean over the clients
  std::int64_t median_round_trip_ns = 0;  // round 1, the median over the clients of their median round trip
  int master_exit = -1;
  bool report_kept = true;  // --keep-json: the report was copied there
};

std::string directory_of_this_program() {
  char path[4096] = {};
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return ".";
  std::string p(path, static_cast<std::size_t>(n));
  return p.substr(0, p.rfind('/'));
}

using ParsedBenchCommandLine = cli::ParsedOptions<BenchOptions>;

ParsedBenchCommandLine parse(const std::vector<std::string>& args) {
  po::options_description desc("berkeley_tcp_bench options");
  // clang-format off
  desc.add_options()("help,h", "show this help")
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
       << desc
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

// A child process (berkeley_master) with its stdout on a pipe.
class MasterProcess {
 public:
  MasterProcess(const std::vector<std::string>& argv) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int spawned = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_fd_ = fds[0];
    if (spawned != 0) {
      close(out_fd_);
      throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(spawned));
    }
  }
  ~MasterProcess() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (reader_.joinable()) reader_.join();
    if (out_fd_ >= 0) close(out_fd_);
  }

  // the first line of its stdout, within `seconds`
  std::optional<std::string> first_line(int seconds) {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char c = 0;
      if (read(out_fd_, &c, 1) != 1) return std::nullopt;
      if (c == '\n') return line;
      line.push_back(c);
    }
    return std::nullopt;
  }

  // keeps the pipe drained (the master must never block on its stdout)
  void drain_in_background() {
    reader_ = std::thread([this] {
      char buffer[4096];
      while (read(out_fd_, buffer, sizeof buffer) > 0) {
      }
    });
  }

  // waits (bounded) for the exit; returns the exit status and the peak RSS in KiB
  std::optional<std::pair<int, long>> wait(int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      rusage usage{};
      const pid_t done = wait4(pid_, &status, WNOHANG, &usage);
      if (done == pid_) {
        reaped_ = true;
        return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), usage.ru_maxrss);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool reaped_ = false;
  std::thread reader_;
};

std::optional<Measurement> measure(const BenchOptions& options, std::int64_t clients) {
  const TemporaryReport report_file;
  const char* json_path = report_file.path();
  MasterProcess master({options.master_path, std::to_string(clients), "--port", "0", "--rounds",
                        std::to_string(options.rounds), "--interval", "0", "--timeout", "2s", "--join-timeout", "30s",
                        "--min-exchanges", std::to_string(options.exchanges.min_exchanges), "--max-exchanges",
                        std::to_string(options.exchanges.max_exchanges), "--quiet", "--json", json_path});
  const std::optional<std::string> line = master.first_line(10);
  const std::size_t colon = line ? line->rfind(':') : std::string::npos;
  if (!line || colon == std::string::npos) {
    std::cerr << "berkeley_tcp_bench: the master did not say where it listens\n";
    return std::nullopt;
  }
  const std::string port_text = line->substr(colon + 1, line->find(',', colon) - colon - 1);
  master.drain_in_background();

  tcp::LoadConfig load;
  load.port = static_cast<std::uint16_t>(std::stoi(port_text));
  load.count = clients;
  const tcp::LoadOutcome outcome = tcp::run_load_clients(load, std::chrono::seconds(120));
  const auto status = master.wait(30);
  Measurement m;
  m.clients = clients;
  if (!status) {
    std::cerr << "berkeley_tcp_bench: the master did not exit\n";
    return std::nullopt;
  }
  m.master_exit = status->first;
  m.peak_rss_kib = status->second;
  if (outcome.failed != 0) {
    std::cerr << "berkeley_tcp_bench: " << outcome.failed << " of " << clients
              << " clients failed: " << outcome.first_failure << '\n';
  }
  std::ifstream json_file(json_path);
  try {
    const nlohmann::json report = nlohmann::json::parse(json_file);
    for (const auto& round : report.at("rounds")) m.round_ns.push_back(round.at("duration_ns").get<std::int64_t>());
    m.max_abs_residual_ns = report.at("max_abs_residual_ns").get<std::int64_t>();
    std::vector<std::int64_t> round_trips;
    std::int64_t exchanges = 0;
    for (const auto& rank : report.at("ranks")) {
      if (rank.at("rank").get<std::int64_t>() == 0) continue;  // the master
      exchanges += rank.at("samples_used").get<std::int64_t>();
      round_trips.push_back(rank.at("median_round_trip_ns").get<std::int64_t>());
    }
    if (!round_trips.empty()) {
      m.exchanges_per_client = static_cast<double>(exchanges) / static_cast<double>(round_trips.size());
      m.median_round_trip_ns = upper_median(std::move(round_trips));
    }
  } catch (const std::exception& error) {
    std::cerr << "berkeley_tcp_bench: cannot read the master's report: " << error.what() << '\n';
  }
  if (!options.keep_json_dir.empty()) {
    // copied, not renamed: the directory may be on another file system than /tmp
    const std::string kept = options.keep_json_dir + "/clients-" + std::to_string(clients) + ".json";
    std::error_code error;
    std::filesystem::copy_file(json_path, kept, std::filesystem::copy_options::overwrite_existing, error);
    if (error) {
      std::cerr << "berkeley_tcp_bench: --keep-json: cannot write '" << kept << "': " << error.message() << '\n';
      m.report_kept = false;
    }
  }
  if (outcome.failed != 0 || m.round_ns.empty()) return std::nullopt;
  return m;
}

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace

int main(int argc, char** argv) {
  const ParsedBenchCommandLine parsed = parse(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.options) return cli::stop_with("berkeley_tcp_bench", parsed);
  const BenchOptions& options = *parsed.options;
  if (!options.keep_json_dir.empty() && !std::filesystem::is_directory(options.keep_json_dir)) {
    std::cerr << "berkeley_tcp_bench: --keep-json: '" << options.keep_json_dir << "' is not a directory\n";
    return kExitOutputError;
  }
  const std::int64_t most = *std::max_element(options.client_counts.begin(), options.client_counts.end());
  const std::uint64_t needed = static_cast<std::uint64_t>(most) + 64;
  if (const std::uint64_t limit = tcp::raise_descriptor_limit(needed); limit < needed) {
    std::cerr << "berkeley_tcp_bench: " << most << " connections need " << needed << " file descriptors; the limit is "
              << limit << " (ulimit -Hn)\n";
    return kExitNetworkError;
  }
  std::printf("berkeley_tcp_bench: %d round(s) per run, exchanges per client and round %d..%d, loopback\n",
              options.rounds, options.exchanges.min_exchanges, options.exchanges.max_exchanges);
  std::printf("%8s %12s %12s %12s %16s %10s %10s %14s %16s\n", "clients", "round1 [ms]", "median [ms]", "max [ms]",
              "per client [us]", "exchanges", "rtt [us]", "master RSS", "max |resid| [us]");
  std::fflush(stdout);
  int result = kExitOk;
  for (const std::int64_t clients : options.client_counts) {
    std::optional<Measurement> m;
    try {
      m = measure(options, clients);
    } catch (const std::exception& error) {
      std::cerr << "berkeley_tcp_bench: " << error.what() << '\n';
    }
    if (!m) {
      std::printf("%8lld  run failed\n", static_cast<long long>(clients));
      result = kExitNetworkError;
      continue;
    }
    const std::int64_t median = upper_median(m->round_ns);
    const std::int64_t slowest = *std::max_element(m->round_ns.begin(), m->round_ns.end());
    const double rss_mib = static_cast<double>(m->peak_rss_kib) / 1024.0;
    std::printf("%8lld %12.3f %12.3f %12.3f %16.2f %10.2f %10.2f %10.1f MiB %16.3f%s\n",
                static_cast<long long>(clients), ms(m->round_ns.front()), ms(median), ms(slowest),
                static_cast<double>(median) / 1e3 / static_cast<double>(clients), m->exchanges_per_client,
                static_cast<double>(m->median_round_trip_ns) / 1e3, rss_mib,
                static_cast<double>(m->max_abs_residual_ns) / 1e3,
                m->master_exit == 0 ? "" : ("  (master exit " + std::to_string(m->master_exit) + ")").c_str());
    std::fflush(stdout);
    if (m->master_exit != 0) {  // measured, but the master itself failed: the run failed
      result = kExitNetworkError;
      continue;
    }
    if (clients >= 1000 && (ms(median) > 100.0 || rss_mib > 64.0) && result == kExitOk) result = kExitPrecisionFailed;
    if (!m->report_kept && result == kExitOk) result = kExitOutputError;
  }
  if (result == kExitPrecisionFailed) std::printf("target missed: 1,000 clients, round <= 100 ms, RSS <= 64 MiB\n");
  return result;
}
