#include "core/duration_text.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace berkeley {
namespace {

struct Unit {
  std::string_view suffix;
  double nanoseconds;
};

constexpr std::array<Unit, 5> kUnits{{{"ns", 1.0}, {"us", 1e3}, {"\u00b5s", 1e3}, {"ms", 1e6}, {"s", 1e9}}};

}  // namespace

std::optional<Nanoseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::size_t number_end = 0;
  while (number_end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[number_end])) != 0 || text[number_end] == '.' ||
          (number_end == 0 && (text[0] == '-' || text[0] == '+')))) {
    ++number_end;
  }
  const std::string number(text.substr(0, number_end));
  const std::string_view suffix = text.substr(number_end);
  if (number.empty() || number == "-" || number == "+" || number == ".") return std::nullopt;

  double scale = 1e9;  // bare number: seconds
  if (!suffix.empty()) {
    bool known = false;
    for (const Unit& unit : kUnits) {
      if (suffix == unit.suffix) {
        scale = unit.nanoseconds;
        known = true;
      }
    }
    if (!known) return std::nullopt;
  }
  char* parsed_end = nullptr;
  const double value = std::strtod(number.c_str(), &parsed_end);
  if (parsed_end != number.c_str() + number.size() || !std::isfinite(value)) return std::nullopt;
  const double ns = value * scale;
  if (std::fabs(ns) >= static_cast<double>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  return Nanoseconds{std::llround(ns)};
}

std::string format_duration(Nanoseconds value) {
  const std::int64_t ns = value.count();
  const std::uint64_t magnitude = ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  const char* sign = ns < 0 ? "-" : "";
  char text[64];
  if (magnitude < 1'000) {
    std::snprintf(text, sizeof text, "%s%llu ns", sign, static_cast<unsigned long long>(magnitude));
  } else if (magnitude < 1'000'000) {
    std::snprintf(text, sizeof text, "%s%llu.%03llu \u00b5s", sign, static_cast<unsigned long long>(magnitude / 1'000),
                  static_cast<unsigned long long>(magnitude % 1'000));
  } else if (magnitude < 1'000'000'000) {
    std::snprintf(text, sizeof text, "%s%llu.%06llu ms", sign, static_cast<unsigned long long>(magnitude / 1'000'000),
                  static_cast<unsigned long long>(magnitude % 1'000'000));
  } else {
    std::snprintf(text, sizeof text, "%s%llu.%09llu s", sign,
                  static_cast<unsigned long long>(magnitude / 1'000'000'000),
                  static_cast<unsigned long long>(magnitude % 1'000'000'000));
  }
  return text;
}

std::string short_duration(Nanoseconds value) {
  const auto ns = static_cast<double>(value.count());
  const double magnitude = ns < 0 ? -ns : ns;
  if (magnitude < 1e3) return std::to_string(value.count()) + " ns";
  double scaled = ns / 1e9;
  const char* unit = "s";
  if (magnitude < 1e6) {
    scaled = ns / 1e3;
    unit = "us";
  } else if (magnitude < 1e9) {
    scaled = ns / 1e6;
    unit = "ms";
  }
  const double shown = scaled < 0 ? -scaled : scaled;
  char text[48];
  std::snprintf(text, sizeof text, shown < 10 ? "%.2f %s" : shown < 100 ? "%.1f %s" : "%.0f %s", scaled, unit);
  return text;
}

}  // namespace berkeley
