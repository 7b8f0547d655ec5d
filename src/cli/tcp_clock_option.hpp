#pragma once
// The clock options of the TCP programs (berkeley_master, berkeley_client): --clock, --seed,
// --max-offset, --drift-ppm, read into one ClockChoice.
#include <boost/program_options.hpp>
#include <string>

#include "cli/command_line.hpp"
#include "cli/option_values.hpp"
#include "transport/tcp/session_config.hpp"

namespace berkeley::cli {

[[nodiscard]] inline ClockKind tcp_clock_value(const std::string& text) {
  if (text == "sim" || text == "simulated") return ClockKind::simulated;
  if (text == "system" || text == "realtime") return ClockKind::realtime;
  if (text == "monotonic") return ClockKind::monotonic;
  throw BadValue{bad_value("clock", text, "is not one of: sim, system (or realtime), monotonic")};
}

// The help texts say whose clock it is (the master's own, or this client's).
inline void add_member_clock_options(boost::program_options::options_description& desc, const char* clock_help,
                                     const char* seed_help, const char* drift_help) {
  namespace po = boost::program_options;
  desc.add_options()("clock", po::value<std::string>()->default_value("sim"), clock_help)(
      "seed", po::value<std::string>()->default_value("1"), seed_help)(
      "max-offset", po::value<std::string>()->default_value("1s"), "simulated offsets are uniform in +-this (<= 1 h)")(
      "drift-ppm", po::value<std::string>()->default_value("0"), drift_help);
}

[[nodiscard]] inline ClockChoice member_clock_value(const boost::program_options::variables_map& vm) {
  ClockChoice clock;
  clock.kind = tcp_clock_value(text_of(vm, "clock"));
  clock.seed = unsigned_value("seed", text_of(vm, "seed"));
  clock.max_offset_ns = duration_of(vm, "max-offset", true, Nanoseconds{std::chrono::hours(1)});
  clock.drift_ppm = drift_value("drift-ppm", text_of(vm, "drift-ppm"));
  return clock;
}

}  // namespace berkeley::cli
