#include "bench/tcp/tcp_bench_run.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/tcp/master_process.hpp"
#include "core/median.hpp"
#include "transport/tcp/fd_limit.hpp"
#include "transport/tcp/load_clients.hpp"

namespace berkeley::tcp::bench {
namespace {

// the whole text a decimal port 1..65535, or nullopt
std::optional<std::uint16_t> port_number(const std::string& text) {
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::optional<Measurement> measure_run(const BenchOptions& options, std::int64_t clients) {
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
  const std::optional<std::uint16_t> port = port_number(port_text);
  if (!port) {
    std::cerr << "berkeley_tcp_bench: the master's first line names no port 1..65535: '" << *line << "'\n";
    return std::nullopt;
  }
  master.drain_in_background();

  LoadConfig load;
  load.port = *port;
  load.count = clients;
  const LoadOutcome outcome = run_load_clients(load, std::chrono::seconds(120));
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

namespace {
double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }
}  // namespace

RunStatus run_bench(const BenchOptions& options) {
  if (!options.keep_json_dir.empty() && !std::filesystem::is_directory(options.keep_json_dir)) {
    std::cerr << "berkeley_tcp_bench: --keep-json: '" << options.keep_json_dir << "' is not a directory\n";
    return RunStatus::output_error;
  }
  const std::int64_t most = *std::max_element(options.client_counts.begin(), options.client_counts.end());
  const std::uint64_t needed = static_cast<std::uint64_t>(most) + 64;
  if (const std::uint64_t limit = raise_descriptor_limit(needed); limit < needed) {
    std::cerr << "berkeley_tcp_bench: " << most << " connections need " << needed << " file descriptors; the limit is "
              << limit << " (ulimit -Hn)\n";
    return RunStatus::network_error;
  }
  std::printf("berkeley_tcp_bench: %d round(s) per run, exchanges per client and round %d..%d, loopback\n",
              options.rounds, options.exchanges.min_exchanges, options.exchanges.max_exchanges);
  std::printf("%8s %12s %12s %12s %16s %10s %10s %14s %16s\n", "clients", "round1 [ms]", "median [ms]", "max [ms]",
              "per client [us]", "exchanges", "rtt [us]", "master RSS", "max |resid| [us]");
  std::fflush(stdout);
  RunStatus result = RunStatus::ok;
  for (const std::int64_t clients : options.client_counts) {
    std::optional<Measurement> m;
    try {
      m = measure_run(options, clients);
    } catch (const std::exception& error) {
      std::cerr << "berkeley_tcp_bench: " << error.what() << '\n';
    }
    if (!m) {
      std::printf("%8lld  run failed\n", static_cast<long long>(clients));
      result = RunStatus::network_error;
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
      result = RunStatus::network_error;
      continue;
    }
    if (clients >= 1000 && (ms(median) > 100.0 || rss_mib > 64.0) && result == RunStatus::ok)
      result = RunStatus::precision_failed;
    if (!m->report_kept && result == RunStatus::ok) result = RunStatus::output_error;
  }
  if (result == RunStatus::precision_failed)
    std::printf("target missed: 1,000 clients, round <= 100 ms, RSS <= 64 MiB\n");
  return result;
}

}  // namespace berkeley::tcp::bench
