#pragma once
// The benchmark's output: a table for people, JSON for scripts. Writers only; the figures come from run_bench.
#include <ostream>
#include <string>
#include <vector>

#include "bench/sim/bench_options.hpp"
#include "bench/sim/bench_runner.hpp"

namespace berkeley::sim::bench {

// the model's parameters, one line each
void write_bench_parameters(std::ostream& out, const BenchOptions& options);
void write_bench_table_header(std::ostream& out);
void write_bench_table_row(std::ostream& out, const BenchRun& run);
// what the columns mean, and per p the wall time of all its methods together
void write_bench_footer(std::ostream& out, const std::vector<BenchRun>& runs);

void write_bench_json(std::ostream& out, const BenchOptions& options, const std::vector<BenchRun>& runs);

}  // namespace berkeley::sim::bench
