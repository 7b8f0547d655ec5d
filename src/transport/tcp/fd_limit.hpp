#pragma once
// File descriptors: a master of N clients needs N + a few. Raises the soft limit (up to the hard one)
// when needed. POSIX only, no sockets.
#include <cstdint>
#include <optional>
#include <string>

namespace berkeley::tcp {

// Makes sure `needed` descriptors can be open; returns why not when even the hard limit is too low.
[[nodiscard]] std::optional<std::string> ensure_descriptor_limit(std::uint64_t needed);

}  // namespace berkeley::tcp
