#pragma once
// What reading a command line came to, for every berkeley_* program: the options to run with, or why not
// (the help text, exit 0; or one line naming the bad value, kExitUsage). Pure, so tests check every verdict.
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "cli/exit_codes.hpp"
#include "core/version.hpp"

namespace berkeley::cli {

template <typename Options>
struct ParsedOptions {
  std::optional<Options> options;  // set when the program should run
  int exit_code = kExitOk;  // when options is empty: kExitOk after --help or --version, kExitUsage after an error
  std::string message;      // the help text, or one line naming the bad value
  bool version = false;     // --version was asked for
};

// What --version prints: "berkeley_mpi 0.1.0 (git …)", then the MPI library the program runs on
// (`mpi_library`, its MPI_Get_library_version; empty: a program that does not use MPI).
[[nodiscard]] inline std::string version_text(std::string_view program, std::string_view mpi_library) {
  std::string text = version_line(program) + '\n';
  text += mpi_library.empty() ? std::string("MPI: not used by this program") : "MPI: " + std::string(mpi_library);
  return text + '\n';
}

// Where the command line stopped the program: prints the help or the version on stdout, or the error on
// stderr prefixed "program: " (only where `speak`: in an MPI job, rank 0), and returns the exit code.
template <typename Options>
[[nodiscard]] int stop_with(std::string_view program, const ParsedOptions<Options>& parsed, bool speak = true,
                            std::string_view mpi_library = {}) {
  if (speak && parsed.version) {
    std::cout << version_text(program, mpi_library);
    return parsed.exit_code;
  }
  if (speak) {
    std::ostream& out = parsed.exit_code == kExitOk ? std::cout : std::cerr;
    if (parsed.exit_code != kExitOk) out << program << ": ";
    out << parsed.message;
    if (parsed.message.empty() || parsed.message.back() != '\n') out << '\n';
  }
  return parsed.exit_code;
}

}  // namespace berkeley::cli
