#pragma once
// Which berkeley_mpi this is: the project's version (CMakeLists.txt) and the source revision it was built
// from (`git describe` at build time; "unknown" outside a git checkout).
#include <string>
#include <string_view>

namespace berkeley {

[[nodiscard]] std::string_view project_version();  // "0.1.0"
[[nodiscard]] std::string_view source_revision();  // "v0.1.0-12-g1a2b3c4", "1a2b3c4-dirty", "unknown"

// "berkeley_mpi 0.1.0 (git 1a2b3c4)": the first line of every program's --version, and what a report says
// wrote it
[[nodiscard]] std::string version_line(std::string_view program);

}  // namespace berkeley
