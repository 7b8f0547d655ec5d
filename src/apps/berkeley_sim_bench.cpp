// berkeley_sim_bench: the project's Berkeley synchronization over p simulated participants in this one
// process. Parse → run → exit code; the work is in transport/sim (the model) and sim/ (the benchmark).
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "bench/sim/bench_options.hpp"
#include "bench/sim/bench_report.hpp"
#include "bench/sim/bench_runner.hpp"
#include "cli/exit_codes.hpp"
#include "report/report_file.hpp"

namespace {

using namespace berkeley;

int run(const sim::bench::BenchOptions& options) {
  // open the report before any work: a run of minutes must not end in "cannot write"
  ReportFile json_file(options.json_path);
  if (!json_file.open()) {
    std::cerr << cannot_open_message("berkeley_sim_bench", json_file) << '\n';
    return kExitOutputError;
  }
  sim::bench::write_bench_parameters(std::cout, options);
  sim::bench::write_bench_table_header(std::cout);
  const std::vector<sim::bench::BenchRun> runs = sim::bench::run_bench(options, [](const sim::bench::BenchRun& r) {
    sim::bench::write_bench_table_row(std::cout, r);
    std::cout.flush();
  });
  sim::bench::write_bench_footer(std::cout, runs);
  if (!json_file.write([&](std::ostream& out) { sim::bench::write_bench_json(out, options, runs); })) {
    std::cerr << write_failed_message("berkeley_sim_bench", json_file) << '\n';
    return kExitOutputError;
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  const sim::bench::ParsedBenchCommandLine parsed =
      sim::bench::parse_bench_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.options) return cli::stop_with("berkeley_sim_bench", parsed);
  try {
    return run(*parsed.options);
  } catch (const std::exception& error) {
    std::cerr << "berkeley_sim_bench: " << error.what() << '\n';
    return kExitInternalError;
  }
}
