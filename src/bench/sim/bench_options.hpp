#pragma once
// Command line of berkeley_sim_bench. Parsing is pure (no output) so tests can check it directly.
#include <optional>
#include <string>
#include <vector>

#include "cli/parsed_options.hpp"
#include "transport/sim/network_model.hpp"
#include "transport/sim/sim_sync.hpp"

namespace berkeley::sim::bench {

struct BenchOptions {
  NetworkParams network;
  std::vector<int> sizes{100, 1'000, 10'000, 100'000};
  std::vector<SimMethod> methods{SimMethod::collective, SimMethod::pingpong, SimMethod::tree,
                                 SimMethod::tree_collective};
  int node_size = 0;  // 0: ceil(sqrt(p)) for each p
  PingPongPolicy pingpong{};
  std::optional<Nanoseconds> tolerance_ns;  // unset: 2 × max offset
  std::string json_path;                    // empty: no JSON

  [[nodiscard]] Nanoseconds effective_tolerance() const { return tolerance_ns.value_or(2 * network.max_offset_ns); }
};

using ParsedBenchCommandLine = cli::ParsedOptions<BenchOptions>;

[[nodiscard]] ParsedBenchCommandLine parse_bench_options(const std::vector<std::string>& args);

}  // namespace berkeley::sim::bench
