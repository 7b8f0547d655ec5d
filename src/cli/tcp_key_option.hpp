#pragma once
// --key-file (berkeley_master, berkeley_client) and --insecure (berkeley_master): keyed sessions
// (BERKELEY/2, docs/security.md), and the rule that a master listening beyond loopback without a key must be
// told so. Read into the program's config; a bad key file is a bad command line, with the file's reason.
#include <boost/program_options.hpp>
#include <optional>
#include <string>

#include "cli/command_line.hpp"
#include "cli/option_values.hpp"
#include "transport/tcp/key_file.hpp"

namespace berkeley::cli {

inline void add_key_option(boost::program_options::options_description& desc, const char* whose) {
  desc.add_options()("key-file", boost::program_options::value<std::string>(), whose);
}

// The key of --key-file (nullopt without it); a file refused is a BadValue naming it and why.
[[nodiscard]] inline std::optional<tcp::SharedKey> key_value(const boost::program_options::variables_map& vm) {
  if (vm.count("key-file") == 0) return std::nullopt;
  tcp::KeyFileResult read = tcp::read_key_file(file_name_of(vm, "key-file"));
  if (!read.key) throw BadValue{read.error};
  return read.key;
}

}  // namespace berkeley::cli
