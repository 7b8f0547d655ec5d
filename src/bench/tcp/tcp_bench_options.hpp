#pragma once
// berkeley_tcp_bench's command line. Pure: parsing prints nothing and exits nowhere.
#include <cstdint>
#include <string>
#include <vector>

#include "cli/parsed_options.hpp"
#include "core/min_rtt_filter.hpp"

namespace berkeley::tcp::bench {

// filled from the command line (the defaults are the options' default values)
struct BenchOptions {
  std::vector<std::int64_t> client_counts;
  int rounds = 0;
  std::string master_path;
  PingPongPolicy exchanges;
  std::string keep_json_dir;  // keep each run's report there as clients-N.json
};

using ParsedBenchCommandLine = cli::ParsedOptions<BenchOptions>;

[[nodiscard]] ParsedBenchCommandLine parse_bench_options(const std::vector<std::string>& args);

}  // namespace berkeley::tcp::bench
