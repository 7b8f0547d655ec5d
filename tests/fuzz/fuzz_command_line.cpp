// The command lines of berkeley_mpi, berkeley_master and berkeley_client, through the programs' own parsers
// (cli/run_options, cli/tcp_master_options, cli/tcp_client_options). Input: argv, one argument per line (LF or
// NUL ends one: an argument of argv holds no NUL). The first, argv[0], picks the parser: berkeley_mpi,
// berkeley_master or berkeley_client (any other name: its length modulo 3, in that order).
//
// Properties checked (cli/parsed_options.hpp): every parser returns, in bounded time (libFuzzer's -timeout
// catches a hang), and throws nothing; its verdict is options to run with (exit 0, no message), the help
// (exit 0, a message) or one line naming the problem (exit 2); options it gives are within the bounds the
// programs rely on, and what the programs compute from them does not overflow (UBSan stops the run if it does).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/run_options.hpp"
#include "cli/tcp_client_options.hpp"
#include "cli/tcp_master_options.hpp"
#include "fuzz_check.hpp"
#include "transport/tcp/protocol.hpp"

namespace berkeley {
namespace {

using fuzz::check;
constexpr Nanoseconds kHour{std::chrono::hours(1)};

// "a\nb\n" → {"a", "b"}; "a\n\nb" → {"a", "", "b"}; "" → {}
std::vector<std::string> arguments(std::string_view input) {
  std::vector<std::string> args;
  bool open = false;  // an argument has begun and not ended
  for (const char c : input) {
    if (!open) args.emplace_back();
    open = c != '\n' && c != '\0';
    if (open) args.back().push_back(c);
  }
  return args;
}

template <typename Options>
void check_verdict(const cli::ParsedOptions<Options>& parsed, const char* program) {
  if (parsed.options) {
    check(parsed.exit_code == kExitOk && parsed.message.empty(), "options to run with, and an error", program);
    return;
  }
  check(parsed.exit_code == kExitOk || parsed.exit_code == kExitUsage, "an exit code other than 0 or 2", program);
  check(!parsed.message.empty(), "no options and no message", program);
  if (parsed.exit_code == kExitUsage) {
    check(parsed.message.find('\n') == std::string::npos, "a usage error of more than one line", parsed.message);
  }
}

void check_clock(const ClockChoice& clock) {
  check(clock.max_offset_ns >= Nanoseconds{0} && clock.max_offset_ns <= kHour, "--max-offset outside 0..1 h");
  check(clock.drift_ppm >= 0.0 && clock.drift_ppm <= 500.0, "--drift-ppm outside 0..500");
}

void run_options(const std::vector<std::string>& args) {
  const ParsedCommandLine parsed = parse_run_options(args);
  check_verdict(parsed, "berkeley_mpi");
  if (!parsed.options) return;
  const RunOptions& o = *parsed.options;
  check(o.effective_tolerance() >= Nanoseconds{0}, "a negative tolerance");  // what the program computes first
  check(o.rounds >= 1 && o.exchanges >= 1 && o.exchanges <= 64 && o.node_size >= 0, "a count out of bounds");
  check_clock(o.clock);
  // each is added to a clock reading (a round's start + the patience, now + the pause): at most an hour
  check(o.interval_ns >= Nanoseconds{0} && o.interval_ns <= kHour, "--interval outside 0..1 h");
  check(o.patience_ns >= Nanoseconds{0} && o.patience_ns <= kHour, "--patience outside 0..1 h");
  if (o.serve_tcp) {
    check(o.serve_tcp->clients >= 1 && o.serve_tcp->clients <= tcp::kMaxClients, "--serve-tcp out of bounds");
    check(o.serve_tcp->timeout_ns > Nanoseconds{0} && o.serve_tcp->timeout_ns <= tcp::kMaxTimeout,
          "--timeout out of bounds");
    check(o.method != SyncMethod::collective, "--serve-tcp with the collective method");
  }
}

void master_options(const std::vector<std::string>& args) {
  const ParsedMasterCommandLine parsed = parse_master_options(args);
  check_verdict(parsed, "berkeley_master");
  if (!parsed.options) return;
  const tcp::MasterConfig& c = *parsed.options;
  check(c.clients >= 1 && c.clients <= tcp::kMaxClients && c.rounds >= 1, "a count out of bounds");
  check(c.pingpong.min_exchanges >= 1 && c.pingpong.min_exchanges <= c.pingpong.max_exchanges,
        "--min-exchanges / --max-exchanges out of bounds");
  check_clock(c.clock);
  check(c.timeout_ns > Nanoseconds{0} && c.timeout_ns <= tcp::kMaxTimeout, "--timeout out of bounds");
  check(c.tolerance_ns >= Nanoseconds{0} && c.tolerance_ns <= 2 * tcp::kMaxClockOffset, "--tolerance out of bounds");
}

void client_options(const std::vector<std::string>& args) {
  const ParsedClientCommandLine parsed = parse_client_options(args);
  check_verdict(parsed, "berkeley_client");
  if (!parsed.options) return;
  const tcp::ClientConfig& c = *parsed.options;
  check(c.client_id >= 1 && c.client_id <= tcp::kMaxClientId && c.port >= 1, "--id or --port out of bounds");
  check(!c.host.empty(), "an empty --host");
  check_clock(c.clock);
  check(c.timeout_ns > Nanoseconds{0} && c.timeout_ns <= tcp::kMaxTimeout, "--timeout out of bounds");
}

template <typename Parse>
void without_exceptions(const char* program, Parse parse) {
  try {
    parse();
  } catch (const std::exception& error) {
    fuzz::fail(std::string(program) + ": the parser threw " + typeid(error).name(), error.what());
  } catch (...) {
    fuzz::fail(std::string(program) + ": the parser threw something that is no std::exception");
  }
}

}  // namespace
}  // namespace berkeley

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  std::vector<std::string> args = berkeley::arguments(std::string_view(reinterpret_cast<const char*>(bytes), size));
  if (args.empty()) return 0;
  const std::string program = args.front();
  args.erase(args.begin());
  const std::size_t pick = program == "berkeley_mpi"      ? 0
                           : program == "berkeley_master" ? 1
                           : program == "berkeley_client" ? 2
                                                          : program.size() % 3;
  if (pick == 0) berkeley::without_exceptions("berkeley_mpi", [&] { berkeley::run_options(args); });
  if (pick == 1) berkeley::without_exceptions("berkeley_master", [&] { berkeley::master_options(args); });
  if (pick == 2) berkeley::without_exceptions("berkeley_client", [&] { berkeley::client_options(args); });
  return 0;
}
