#pragma once
// File descriptors: a master of N clients needs N + a few, plus room for connections that have not said
// HELLO yet. POSIX only, no sockets.
#include <cstdint>

namespace berkeley::tcp {

// Raises the soft limit on open descriptors toward `wanted` (never past the hard limit, never lowers it);
// returns the soft limit in force afterwards.
[[nodiscard]] std::uint64_t raise_descriptor_limit(std::uint64_t wanted);

}  // namespace berkeley::tcp
