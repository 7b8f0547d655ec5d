#include "cli/option_values.hpp"

#include <sstream>

#include <arpa/inet.h>

#include <charconv>

#include "core/duration_text.hpp"

namespace berkeley::cli {

std::string bad_value(const std::string& option, const std::string& text, const std::string& expected) {
  return "--" + option + ": '" + text + "' " + expected;
}

Nanoseconds duration_value(const std::string& option, const std::string& text, bool allow_zero, Nanoseconds maximum) {
  const std::optional<Nanoseconds> value = parse_duration(text);
  if (!value) throw BadValue{bad_value(option, text, "is not a duration (examples: 500ms, 250us, 2s)")};
  if (*value < Nanoseconds{0} || (!allow_zero && *value == Nanoseconds{0})) {
    throw BadValue{bad_value(option, text, allow_zero ? "must not be negative" : "must be greater than zero")};
  }
  if (*value > maximum)
    throw BadValue{bad_value(option, text, "is too long (at most " + format_duration(maximum) + ")")};
  return *value;
}

std::int64_t integer_value(const std::string& option, const std::string& text, std::int64_t minimum,
                           std::int64_t maximum) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string range = std::to_string(minimum) + ".." + std::to_string(maximum);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw BadValue{bad_value(option, text, "is not a whole number in " + range)};
  }
  if (value < minimum || value > maximum) throw BadValue{bad_value(option, text, "is out of range " + range)};
  return value;
}

std::uint64_t unsigned_value(const std::string& option, const std::string& text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw BadValue{bad_value(option, text, "is not a whole number >= 0")};
  }
  return value;
}

std::uint16_t port_value(const std::string& option, const std::string& text, bool allow_zero) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::int64_t minimum = allow_zero ? 0 : 1;
  if (error != std::errc() || end != text.data() + text.size() || text.empty() || value < minimum || value > 65535) {
    throw BadValue{bad_value(option, text,
                             allow_zero ? "is not a port (0..65535; 0 picks a free one)" : "is not a port (1..65535)")};
  }
  return static_cast<std::uint16_t>(value);
}

double number_value(const std::string& option, const std::string& text, double minimum, double maximum,
                    const std::string& expected) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty() || !(value >= minimum) ||
      value > maximum) {
    throw BadValue{bad_value(option, text, expected)};
  }
  return value;
}

double drift_value(const std::string& option, const std::string& text) {
  return number_value(option, text, 0.0, 1e5, "is not a drift in ppm between 0 and 100000");
}

std::string ip_address_value(const std::string& option, const std::string& text) {
  unsigned char bytes[16];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1 || inet_pton(AF_INET6, text.c_str(), bytes) == 1) return text;
  throw BadValue{bad_value(option, text, "is not an IP address (examples: 127.0.0.1, ::1)")};
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream list(text);
  for (std::string item; std::getline(list, item, ',');) items.push_back(item);
  if (items.empty() || text.back() == ',') items.push_back("");
  return items;
}

}  // namespace berkeley::cli
