#include "clock/clock_domain.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace berkeley {
namespace {

std::string read_file(const char* path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return in ? text.str() : std::string();
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// a boot id: 36 characters, lower-case hex digits and dashes at 8, 13, 18, 23
bool is_boot_id(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const auto c = static_cast<unsigned char>(text[i]);
    if (dash ? c != '-' : !(std::isdigit(c) || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> clock_domain_from(std::string_view boot_id, std::string_view timens_offsets) {
  const std::string_view id = trimmed(boot_id);
  if (!is_boot_id(id)) return std::nullopt;
  // "monotonic <seconds> <nanoseconds>" (and "boottime ..."): only CLOCK_MONOTONIC's shift matters here
  std::istringstream lines{std::string(timens_offsets)};
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string clock;
    long long seconds = 0;
    long long nanoseconds = 0;
    if (!(fields >> clock)) continue;  // a blank line
    if (!(fields >> seconds >> nanoseconds)) return std::nullopt;
    if (clock == "monotonic" && (seconds != 0 || nanoseconds != 0)) {
      return std::string(id) + "+" + std::to_string(seconds) + "." + std::to_string(nanoseconds);
    }
  }
  return std::string(id);
}

std::optional<std::string> monotonic_clock_domain() {
  // read once: a process's boot id and time namespace never change (setns to a time namespace applies to
  // its children only), and every shared-instant probe asks again
  static const std::optional<std::string> domain =
      clock_domain_from(read_file("/proc/sys/kernel/random/boot_id"), read_file("/proc/self/timens_offsets"));
  return domain;
}

bool same_clock_domain(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  return a && b && *a == *b;
}

bool is_clock_domain(std::string_view text) {
  if (text.empty() || text.size() > 80) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || c == '.' || c == '+' || c == '-';
  });
}

}  // namespace berkeley
