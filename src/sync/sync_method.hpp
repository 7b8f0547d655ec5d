#pragma once
#include <optional>
#include <string_view>

namespace berkeley {

enum class SyncMethod {
  collective,  // broadcast request, MPI_Gather of readings: one interval bounds every estimate
  pingpong,    // one member at a time, min-RTT of several exchanges (Cristian)
};

[[nodiscard]] constexpr std::string_view sync_method_name(SyncMethod method) {
  switch (method) {
    case SyncMethod::collective: return "collective";
    case SyncMethod::pingpong: return "pingpong";
  }
  return "unknown";
}

[[nodiscard]] constexpr std::optional<SyncMethod> parse_sync_method(std::string_view text) {
  if (text == "collective") return SyncMethod::collective;
  if (text == "pingpong") return SyncMethod::pingpong;
  return std::nullopt;
}

}  // namespace berkeley
