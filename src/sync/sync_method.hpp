#pragma once
#include <optional>
#include <string_view>

namespace berkeley {

enum class SyncMethod {
  collective,  // all at once: over MPI a gather and a scatter (two legs); simulated as a request to all first
  pingpong,    // one member at a time, min-RTT of several exchanges (Cristian)
  tree,        // pingpong within each node (all nodes at once), then among the node leaders
};

[[nodiscard]] constexpr std::string_view sync_method_name(SyncMethod method) {
  switch (method) {
    case SyncMethod::collective:
      return "collective";
    case SyncMethod::pingpong:
      return "pingpong";
    case SyncMethod::tree:
      return "tree";
  }
  return "unknown";
}

[[nodiscard]] constexpr std::optional<SyncMethod> parse_sync_method(std::string_view text) {
  if (text == "collective") return SyncMethod::collective;
  if (text == "pingpong") return SyncMethod::pingpong;
  if (text == "tree") return SyncMethod::tree;
  return std::nullopt;
}

}  // namespace berkeley
