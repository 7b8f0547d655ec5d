// The checked option values of every berkeley_* command line (cli/option_values.hpp).
// Input: one byte that picks the reader (and its bounds, from the ones the programs use), then the option's text.
//
// Properties checked: each reader returns a value within the bounds it was given, the value the text says
// (an independent reading of the text is the reference), and refuses a text only with a BadValue that names
// the option and the text; it takes every text its rule allows. split_list joins back to its text.
#include <arpa/inet.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/option_values.hpp"
#include "core/duration_text.hpp"
#include "fuzz_check.hpp"

namespace berkeley::cli {
namespace {

using fuzz::check;

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

// A refusal names the option and the text: "--option: 'text' ..."
template <typename Read>
bool refused(const std::string& option, const std::string& text, Read read) {
  try {
    read();
  } catch (const BadValue& error) {
    const std::string named = "--" + option + ": '" + text + "' ";
    check(error.message.rfind(named, 0) == 0, "a refusal that does not name the option and the text", error.message);
    return true;
  }
  return false;
}

// the text as a decimal integer (optional '-', digits only), or nullopt when it is none or overflows 128 bits
std::optional<__int128> decimal(const std::string& text) {
  std::size_t i = text.size() > 0 && text[0] == '-' ? 1 : 0;
  if (i == text.size()) return std::nullopt;
  __int128 value = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    if (value > (__int128{1} << 100)) return (text[0] == '-' ? -1 : 1) * (__int128{1} << 101);  // far out of range
    value = value * 10 + (text[i] - '0');
  }
  return text[0] == '-' ? -value : value;
}

struct Range {
  std::int64_t minimum;
  std::int64_t maximum;
};
// the ranges the programs ask for
constexpr Range kRanges[] = {{1, std::numeric_limits<int>::max()},
                             {0, std::numeric_limits<int>::max()},
                             {1, 64},
                             {0, 1000},
                             {1, 1'000'000},
                             {1, 10'000},
                             {kInt64Min, kInt64Max},
                             {-5, 5}};
const Nanoseconds kMaxima[] = {Nanoseconds::max(), Nanoseconds{std::chrono::hours(1)},
                               Nanoseconds{std::chrono::hours(24)}, Nanoseconds{std::chrono::seconds(1)}};

void fuzz_duration(std::uint8_t pick, const std::string& text) {
  const bool allow_zero = (pick & 1) != 0;
  const Nanoseconds maximum = kMaxima[(pick >> 1) % 4];
  const std::optional<Nanoseconds> said = parse_duration(text);
  const bool fits = said && *said <= maximum && (*said > Nanoseconds{0} || (allow_zero && *said == Nanoseconds{0}));
  Nanoseconds value{-1};
  if (refused("interval", text, [&] { value = duration_value("interval", text, allow_zero, maximum); })) {
    check(!fits, "duration_value refused a duration within its bounds", text);
    return;
  }
  check(fits && value == *said, "duration_value took a value outside its bounds, or not the one written", text);
}

void fuzz_integer(std::uint8_t pick, const std::string& text) {
  const Range range = kRanges[pick % std::size(kRanges)];
  const std::optional<__int128> said = decimal(text);
  const bool fits = said && *said >= range.minimum && *said <= range.maximum;
  std::int64_t value = 0;
  if (refused("rounds", text, [&] { value = integer_value("rounds", text, range.minimum, range.maximum); })) {
    check(!fits, "integer_value refused a number within its bounds", text);
    return;
  }
  check(fits && value == *said, "integer_value took a number outside its bounds, or not the one written", text);
}

void fuzz_unsigned(const std::string& text) {
  const std::optional<__int128> said = text.rfind('-', 0) == 0 ? std::nullopt : decimal(text);
  const bool fits = said && *said <= std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  if (refused("seed", text, [&] { value = unsigned_value("seed", text); })) {
    check(!fits, "unsigned_value refused a number it takes", text);
    return;
  }
  check(fits && value == *said, "unsigned_value took text that is not its number", text);
}

void fuzz_port(std::uint8_t pick, const std::string& text) {
  const bool allow_zero = (pick & 1) != 0;
  const std::optional<__int128> said = decimal(text);
  const bool fits = said && *said >= (allow_zero ? 0 : 1) && *said <= 65535;
  std::uint16_t value = 0;
  if (refused("port", text, [&] { value = port_value("port", text, allow_zero); })) {
    check(!fits, "port_value refused a port", text);
    return;
  }
  check(fits && value == *said, "port_value took text that is not its port", text);
}

void fuzz_number(std::uint8_t pick, const std::string& text) {
  double value = -1;
  if ((pick & 1) != 0) {
    if (refused("drift-ppm", text, [&] { value = drift_value("drift-ppm", text); })) return;
    check(value >= 0.0 && value <= 500.0, "drift_value took a drift outside 0..500 ppm", text);
  } else {
    if (refused("x", text, [&] { value = number_value("x", text, -1.0, 1.0, "is not in -1..1"); })) return;
    check(value >= -1.0 && value <= 1.0, "number_value took a number outside its bounds", text);
  }
}

bool is_address(const std::string& text) {
  unsigned char bytes[16];
  return inet_pton(AF_INET, text.c_str(), bytes) == 1 || inet_pton(AF_INET6, text.c_str(), bytes) == 1;
}

void fuzz_address(std::uint8_t pick, const std::string& text) {
  // the text the program would bind to or connect to: all of it, not a part before a NUL
  const bool address = text.find('\0') == std::string::npos && is_address(text);
  std::string value;
  if (refused("bind", text, [&] { value = ip_address_value("bind", text); })) {
    check(!address, "ip_address_value refused an address", text);
  } else {
    check(address && value == text, "ip_address_value took text that is not (all) an address", text);
  }
  const bool loopback = is_loopback_address(text);
  check(!loopback || address, "is_loopback_address said yes to text that is not an address", text);
  const bool keyed = (pick & 1) != 0;
  const bool insecure = (pick & 2) != 0;
  bool thrown = false;
  try {
    require_key_or_insecure("bind", text, keyed, insecure);
  } catch (const BadValue& error) {
    thrown = true;
    check(error.message.rfind("--bind " + text + " without --key-file", 0) == 0, "the refusal does not name --bind",
          error.message);
  }
  check(thrown == (!keyed && !insecure && !loopback), "require_key_or_insecure ruled wrongly", text);
  check(insecure_warning("berkeley_master", text).find(text) != std::string::npos, "the warning omits the address");
}

void fuzz_list(const std::string& text) {
  const std::vector<std::string> items = split_list(text);
  std::string joined;
  for (std::size_t i = 0; i < items.size(); ++i) joined += (i == 0 ? "" : ",") + items[i];
  check(joined == text, "split_list lost or added text", text);
  std::size_t commas = 0;
  for (const char c : text) commas += c == ',' ? 1 : 0;
  check(items.size() == commas + 1, "split_list gave a number of items other than commas + 1", text);
}

}  // namespace
}  // namespace berkeley::cli

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size == 0) return 0;
  // the first byte: the reader (mod 7) and, above it, the reader's bounds; in the seeds a letter ("d500ms")
  const std::uint8_t reader = bytes[0] % 7;
  const auto pick = static_cast<std::uint8_t>(bytes[0] / 7);
  const std::string text(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  switch (reader) {
    case 0:
      berkeley::cli::fuzz_duration(pick, text);
      break;
    case 1:
      berkeley::cli::fuzz_integer(pick, text);
      break;
    case 2:
      berkeley::cli::fuzz_unsigned(text);
      break;
    case 3:
      berkeley::cli::fuzz_port(pick, text);
      break;
    case 4:
      berkeley::cli::fuzz_number(pick, text);
      break;
    case 5:
      berkeley::cli::fuzz_address(pick, text);
      break;
    default:
      berkeley::cli::fuzz_list(text);
      break;
  }
  return 0;
}
