#include "cli/command_line.hpp"

#include <optional>
#include <string_view>

namespace po = boost::program_options;

namespace berkeley::cli {

namespace {

// Boost.Program_options writes its error messages by replacing these placeholders with the user's text, each
// one again while the message still holds it: an argument that holds one never finishes (fuzz_command_line:
// berkeley_client '--x%canonical_option%' never returned). Such an argument is refused first.
constexpr std::string_view kBoostPlaceholders[] = {"%canonical_option%", "%option%", "%original_token%", "%prefix%",
                                                   "%value%"};

std::optional<std::string_view> boost_placeholder_in(const std::string& arg) {
  for (const std::string_view placeholder : kBoostPlaceholders) {
    if (arg.find(placeholder) != std::string::npos) return placeholder;
  }
  return std::nullopt;
}

}  // namespace

CommandLine read_command_line(const std::vector<std::string>& args, const po::options_description& options,
                              const std::string& help, const po::positional_options_description* positional) {
  CommandLine read;
  for (const std::string& arg : args) {
    if (const std::optional<std::string_view> placeholder = boost_placeholder_in(arg)) {
      read.exit_code = kExitUsage;
      read.message = "argument '" + arg + "': no argument may hold '" + std::string(*placeholder) +
                     "', a placeholder of the option parser (see --help)";
      return read;
    }
  }
  po::variables_map values;
  try {
    const int style = po::command_line_style::unix_style & ~po::command_line_style::allow_guessing;
    po::command_line_parser parser(args);
    parser.options(options).style(style);
    if (positional != nullptr) parser.positional(*positional);
    const po::parsed_options parsed = parser.run();
    // an argument no option takes (a program without positionals): Boost would drop it without a word
    for (const po::option& option : parsed.options) {
      if (option.string_key.empty() && !option.original_tokens.empty()) {
        read.exit_code = kExitUsage;
        read.message = "unexpected argument '" + option.original_tokens.front() + "' (see --help)";
        return read;
      }
    }
    po::store(parsed, values);
    po::notify(values);
  } catch (const po::error& error) {
    read.exit_code = kExitUsage;
    read.message = std::string(error.what()) + " (see --help)";
    return read;
  }
  if (values.count("help") != 0) {
    read.message = help;
    return read;
  }
  if (values.count("version") != 0) {
    read.version = true;
    return read;
  }
  read.values = std::move(values);
  return read;
}

}  // namespace berkeley::cli
