#pragma once
// What reading a command line came to, for every berkeley_* program: the options to run with, or why not
// (the help text, exit 0; or one line naming the bad value, kExitUsage). Pure, so tests check every verdict.
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "cli/exit_codes.hpp"

namespace berkeley::cli {

template <typename Options>
struct ParsedOptions {
  std::optional<Options> options;  // set when the program should run
  int exit_code = kExitOk;         // when options is empty: kExitOk after --help, kExitUsage after an error
  std::string message;             // the help text, or one line naming the bad value
};

// Where the command line stopped the program: prints the help on stdout, or the error on stderr prefixed
// "program: " (only where `speak`: in an MPI job, rank 0), and returns the exit code.
template <typename Options>
[[nodiscard]] int stop_with(std::string_view program, const ParsedOptions<Options>& parsed, bool speak = true) {
  if (speak) {
    std::ostream& out = parsed.exit_code == kExitOk ? std::cout : std::cerr;
    if (parsed.exit_code != kExitOk) out << program << ": ";
    out << parsed.message;
    if (parsed.message.empty() || parsed.message.back() != '\n') out << '\n';
  }
  return parsed.exit_code;
}

}  // namespace berkeley::cli
