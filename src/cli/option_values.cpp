#include "cli/option_values.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <optional>
#include <sstream>

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

namespace {
// the whole text as one T (std::from_chars: no sign for unsigned, no spaces, no trailing text); nullopt otherwise
template <typename T>
std::optional<T> whole_text_as(const std::string& text) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}
}  // namespace

std::int64_t integer_value(const std::string& option, const std::string& text, std::int64_t minimum,
                           std::int64_t maximum) {
  const std::optional<std::int64_t> value = whole_text_as<std::int64_t>(text);
  const std::string range = std::to_string(minimum) + ".." + std::to_string(maximum);
  if (!value) throw BadValue{bad_value(option, text, "is not a whole number in " + range)};
  if (*value < minimum || *value > maximum) throw BadValue{bad_value(option, text, "is out of range " + range)};
  return *value;
}

std::uint64_t unsigned_value(const std::string& option, const std::string& text) {
  const std::optional<std::uint64_t> value = whole_text_as<std::uint64_t>(text);
  if (!value) throw BadValue{bad_value(option, text, "is not a whole number >= 0")};
  return *value;
}

std::uint16_t port_value(const std::string& option, const std::string& text, bool allow_zero) {
  const std::optional<std::int64_t> value = whole_text_as<std::int64_t>(text);
  if (!value || *value < (allow_zero ? 0 : 1) || *value > 65535) {
    throw BadValue{bad_value(option, text,
                             allow_zero ? "is not a port (0..65535; 0 picks a free one)" : "is not a port (1..65535)")};
  }
  return static_cast<std::uint16_t>(*value);
}

double number_value(const std::string& option, const std::string& text, double minimum, double maximum,
                    const std::string& expected) {
  const std::optional<double> value = whole_text_as<double>(text);
  if (!value || !(*value >= minimum) || *value > maximum) throw BadValue{bad_value(option, text, expected)};
  return *value;
}

double drift_value(const std::string& option, const std::string& text) {
  // the stated bounds assume clocks within 500 ppm of true time (core/time.hpp: kMaxRelativeRate)
  return number_value(option, text, 0.0, 500.0,
                      "is not a drift in ppm between 0 and 500 (real clocks keep within 500 ppm)");
}

namespace {
// inet_pton of the whole text: it reads a C string, so a text with a NUL inside is no address (it would read
// only the part before the NUL)
bool address_bytes(int family, const std::string& text, unsigned char* bytes) {
  return text.find('\0') == std::string::npos && inet_pton(family, text.c_str(), bytes) == 1;
}
}  // namespace

std::string ip_address_value(const std::string& option, const std::string& text) {
  unsigned char bytes[16];
  if (address_bytes(AF_INET, text, bytes) || address_bytes(AF_INET6, text, bytes)) return text;
  throw BadValue{bad_value(option, text, "is not an IP address (examples: 127.0.0.1, ::1)")};
}

bool is_loopback_address(const std::string& address) {
  unsigned char bytes[16];
  if (address_bytes(AF_INET, address, bytes)) return bytes[0] == 127;
  if (!address_bytes(AF_INET6, address, bytes)) return false;
  for (int i = 0; i < 15; ++i) {
    if (bytes[i] != 0) return false;
  }
  return bytes[15] == 1;  // ::1
}

void require_key_or_insecure(const char* option, const std::string& address, bool keyed, bool insecure) {
  if (keyed || insecure || is_loopback_address(address)) return;
  throw BadValue{"--" + std::string(option) + " " + address +
                 " without --key-file: anyone who can reach the port could join and move the clocks. Give "
                 "--key-file FILE (make one with: head -c 32 /dev/urandom | base64 > FILE && chmod 600 FILE), or "
                 "--insecure to accept that"};
}

std::string insecure_warning(const std::string& program, const std::string& address) {
  return program + ": WARNING: listening on " + address +
         " without a key (--insecure): anyone who can reach this port can join and move the group's clocks";
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream list(text);
  for (std::string item; std::getline(list, item, ',');) items.push_back(item);
  if (items.empty() || text.back() == ',') items.push_back("");
  return items;
}

void require_distinct_files(const std::vector<std::pair<std::string, std::string>>& option_paths) {
  for (std::size_t i = 0; i < option_paths.size(); ++i) {
    for (std::size_t j = i + 1; j < option_paths.size(); ++j) {
      const auto& [first, path] = option_paths[i];
      const auto& [second, other] = option_paths[j];
      if (!path.empty() && path == other) {
        throw BadValue{"--" + first + " and --" + second + " name the same file '" + path + "'"};
      }
    }
  }
}

}  // namespace berkeley::cli
