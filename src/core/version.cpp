#include "core/version.hpp"

namespace berkeley {

std::string version_line(std::string_view program) {
  std::string line(program);
  line += ' ';
  line += project_version();
  line += " (git ";
  line += source_revision();
  line += ')';
  return line;
}

}  // namespace berkeley
