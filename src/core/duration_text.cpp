#include "core/duration_text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <limits>

namespace berkeley {
namespace {

struct Unit {
  std::string_view suffix;
  int decimals;  // nanoseconds per unit: 10^decimals
};

constexpr std::array<Unit, 5> kUnits{{{"ns", 0}, {"us", 3}, {"\u00b5s", 3}, {"ms", 6}, {"s", 9}}};

}  // namespace

// Exact decimal arithmetic: what format_duration writes (every nanosecond) reads back to the same value, at
// any magnitude. Digits below a nanosecond round half away from zero.
std::optional<Nanoseconds> parse_duration(std::string_view text) {
  std::size_t at = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) ++at;
  const std::size_t number_begin = at;
  std::size_t point = std::string_view::npos;
  for (; at < text.size(); ++at) {
    if (text[at] == '.' && point == std::string_view::npos) {
      point = at;
    } else if (text[at] < '0' || text[at] > '9') {
      break;
    }
  }
  const std::string_view number = text.substr(number_begin, at - number_begin);
  if (number.size() == (point == std::string_view::npos ? 0 : 1)) return std::nullopt;  // no digit
  const std::string_view suffix = text.substr(at);
  int decimals = 9;  // bare number: seconds
  if (!suffix.empty()) {
    const auto unit = std::find_if(kUnits.begin(), kUnits.end(), [&](const Unit& u) { return u.suffix == suffix; });
    if (unit == kUnits.end()) return std::nullopt;
    decimals = unit->decimals;
  }
  // the magnitude in nanoseconds: the digits before the point and `decimals` digits after it, then rounding
  constexpr std::uint64_t kLimit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t magnitude = 0;
  int fraction_digits = -1;  // digits taken after the point; -1 before it
  bool round_up = false;
  for (const char c : number) {
    if (c == '.') {
      fraction_digits = 0;
      continue;
    }
    if (fraction_digits >= decimals) {  // below a nanosecond: only the first such digit decides the rounding
      if (fraction_digits == decimals) round_up = c >= '5';
      ++fraction_digits;
      continue;
    }
    if (magnitude > (kLimit - static_cast<std::uint64_t>(c - '0')) / 10) return std::nullopt;
    magnitude = magnitude * 10 + static_cast<std::uint64_t>(c - '0');
    if (fraction_digits >= 0) ++fraction_digits;
  }
  for (int scaled = std::max(fraction_digits, 0); scaled < decimals; ++scaled) {
    if (magnitude > kLimit / 10) return std::nullopt;
    magnitude *= 10;
  }
  if (round_up && ++magnitude > kLimit) return std::nullopt;
  const auto ns = static_cast<std::int64_t>(magnitude);
  return Nanoseconds{negative ? -ns : ns};
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
