// Durations as people write them (core/duration_text.hpp): the text of --interval, --timeout, --max-offset...
// Input: the text itself.
//
// Properties checked:
// - parse_duration accepts exactly the grammar [+-]digits[.digits][unit] (unit ns, us, µs, ms, s; none: seconds)
//   for values that fit in int64 nanoseconds, and gives the value the text says (within the rounding of the
//   last nanosecond; an independent long double reading is the reference);
// - what format_duration writes (the space dropped, as a user would type it back) parses to the same value,
//   for the value parsed and for the first 8 bytes of the input read as int64 nanoseconds;
// - short_duration writes something for every value; nothing overflows (UBSan stops the run if it does).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "core/duration_text.hpp"
#include "fuzz_check.hpp"

namespace berkeley {
namespace {

using fuzz::check;

struct Grammar {
  std::string number;       // sign, digits, point
  long double scale = 1e9;  // nanoseconds per unit
};

// the grammar of the header, read independently of the parser
std::optional<Grammar> grammar(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  std::size_t digits = 0;
  std::size_t points = 0;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) {
    (text[i] == '.' ? points : digits) += 1;
    ++i;
  }
  if (digits == 0 || points > 1) return std::nullopt;
  Grammar g{std::string(text.substr(0, i))};
  const std::string_view unit = text.substr(i);
  if (unit == "ns") {
    g.scale = 1;
  } else if (unit == "us" || unit == "\u00b5s") {
    g.scale = 1e3;
  } else if (unit == "ms") {
    g.scale = 1e6;
  } else if (unit != "s" && !unit.empty()) {
    return std::nullopt;
  }
  return g;
}

std::string without_spaces(std::string text) {
  std::string out;
  for (const char c : text) {
    if (c != ' ') out.push_back(c);
  }
  return out;
}

void check_formats_back(Nanoseconds value) {
  const std::string written = format_duration(value);
  const std::optional<Nanoseconds> back = parse_duration(without_spaces(written));
  check(back.has_value(), "format_duration wrote what parse_duration refuses", written);
  check(*back == value, "format_duration then parse_duration changed the value",
        written + " -> " + std::to_string(back->count()) + " ns, was " + std::to_string(value.count()));
  check(!short_duration(value).empty(), "short_duration wrote nothing");
}

void fuzz_text(std::string_view text) {
  const std::optional<Nanoseconds> parsed = parse_duration(text);
  const std::optional<Grammar> expected = grammar(text);
  if (!expected) {
    check(!parsed.has_value(), "parse_duration took text outside its grammar", text);
    return;
  }
  const long double exact = std::strtold(expected->number.c_str(), nullptr) * expected->scale;
  const long double limit = 9223372036854775807.0L;          // int64 max
  const long double margin = 1 + std::fabs(exact) * 1e-15L;  // the last nanosecond; double's 53 bits
  if (!parsed) {
    check(std::fabs(exact) >= limit - margin, "parse_duration refused a duration that fits in int64", text);
    return;
  }
  const long double error = std::fabs(static_cast<long double>(parsed->count()) - exact);
  check(error <= margin, "parse_duration's value is not what the text says",
        std::string(text) + " -> " + std::to_string(parsed->count()) + " ns");
  check_formats_back(*parsed);
}

}  // namespace
}  // namespace berkeley

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  berkeley::fuzz_text(std::string_view(reinterpret_cast<const char*>(bytes), size));
  if (size >= sizeof(std::int64_t)) {
    std::int64_t ns = 0;
    std::memcpy(&ns, bytes, sizeof ns);
    // int64 min has no positive twin: its magnitude is one more than any duration parse_duration takes
    if (ns != std::numeric_limits<std::int64_t>::min()) berkeley::check_formats_back(berkeley::Nanoseconds{ns});
  }
  return 0;
}
