#pragma once
// The --method / --methods value shared by berkeley_mpi and berkeley_bench.
#include <optional>
#include <string>

#include "cli/option_values.hpp"
#include "sync/sync_method.hpp"

namespace berkeley::cli {

// "collective", "pingpong" or "tree"; anything else is a BadValue naming the option and the text
[[nodiscard]] inline SyncMethod sync_method_value(const std::string& option, const std::string& text) {
  if (const std::optional<SyncMethod> method = parse_sync_method(text)) return *method;
  throw BadValue{bad_value(option, text, "is not one of: collective, pingpong, tree")};
}

}  // namespace berkeley::cli
