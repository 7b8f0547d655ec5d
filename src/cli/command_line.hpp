#pragma once
// The part every berkeley_* command line shares: read the arguments (no guessing of abbreviated option
// names: "--max" is an error, not silently "--max-offset"), answer --help, turn a Boost.Program_options
// error or a bad value into one line that names it (exit kExitUsage). Each program only says how its
// values become its configuration.
#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/option_values.hpp"
#include "cli/parsed_options.hpp"
#include "core/min_rtt_filter.hpp"

namespace berkeley::cli {

struct CommandLine {
  std::optional<boost::program_options::variables_map> values;  // set when the program should run
  int exit_code = kExitOk;  // when values is empty: kExitOk after --help or --version, kExitUsage after an error
  std::string message;      // the help text, or one line naming the problem
  bool version = false;     // --version: the program prints its version (cli::stop_with)
};

// `help` is printed for --help (which `options` must define, as it must --version); `positional` may be null.
[[nodiscard]] CommandLine read_command_line(
    const std::vector<std::string>& args, const boost::program_options::options_description& options,
    const std::string& help, const boost::program_options::positional_options_description* positional = nullptr);

// The text given for an option that has a (default) value.
[[nodiscard]] inline std::string text_of(const boost::program_options::variables_map& values,
                                         const std::string& option) {
  return values[option].as<std::string>();
}

// The file (or, with `what` "a directory", directory) name given for an option; an empty one is a BadValue.
[[nodiscard]] inline std::string file_name_of(const boost::program_options::variables_map& values,
                                              const std::string& option, const std::string& what = "a file name") {
  std::string name = text_of(values, option);
  if (name.empty()) throw BadValue{"--" + option + ": '' is not " + what};
  return name;
}

// The duration given for an option, checked as duration_value does.
[[nodiscard]] inline Nanoseconds duration_of(const boost::program_options::variables_map& values,
                                             const std::string& option, bool allow_zero,
                                             Nanoseconds maximum = Nanoseconds::max()) {
  return duration_value(option, text_of(values, option), allow_zero, maximum);
}

// --min-exchanges and --max-exchanges (each 1..1000, the least not above the most) into `policy`
inline void read_exchanges(const boost::program_options::variables_map& values, PingPongPolicy& policy) {
  const std::string least = text_of(values, "min-exchanges");
  const std::string most = text_of(values, "max-exchanges");
  policy.min_exchanges = static_cast<int>(integer_value("min-exchanges", least, 1, 1000));
  policy.max_exchanges = static_cast<int>(integer_value("max-exchanges", most, 1, 1000));
  if (policy.min_exchanges > policy.max_exchanges) {
    throw BadValue{"--min-exchanges " + least + " is more than --max-exchanges " + most};
  }
}

// Reads the command line and, when the program should run, lets fill(values, parsed) build the
// configuration; a BadValue it throws becomes the usage error. Parsed needs exit_code and message.
template <typename Parsed, typename Fill>
[[nodiscard]] Parsed parse_command_line(const CommandLine& read, Fill&& fill) {
  Parsed parsed;
  parsed.exit_code = read.exit_code;
  parsed.message = read.message;
  parsed.version = read.version;
  if (!read.values) return parsed;
  try {
    fill(*read.values, parsed);
  } catch (const BadValue& error) {
    parsed = Parsed{};
    parsed.exit_code = kExitUsage;
    parsed.message = error.message;
  }
  return parsed;
}

}  // namespace berkeley::cli
