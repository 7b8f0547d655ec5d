#include "cli/command_line.hpp"

namespace po = boost::program_options;

namespace berkeley::cli {

CommandLine read_command_line(const std::vector<std::string>& args, const po::options_description& options,
                              const std::string& help, const po::positional_options_description* positional) {
  CommandLine read;
  po::variables_map values;
  try {
    const int style = po::command_line_style::unix_style & ~po::command_line_style::allow_guessing;
    po::command_line_parser parser(args);
    parser.options(options).style(style);
    if (positional != nullptr) parser.positional(*positional);
    po::store(parser.run(), values);
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
  read.values = std::move(values);
  return read;
}

}  // namespace berkeley::cli
