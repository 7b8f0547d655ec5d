#pragma once
// Durations as people write and read them: "500ms", "2us", "1.5s", "-3µs". Pure, no I/O.
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace berkeley {

// Parses a number with an optional unit (ns, us, µs, ms, s; no unit means seconds). Returns nothing for
// anything else, including values that do not fit in int64 nanoseconds.
[[nodiscard]] std::optional<Nanoseconds> parse_duration(std::string_view text);

// "12 ns", "3.456 µs", "1.234567 ms", "2.000000000 s": picks the unit that keeps the figure readable,
// always writes it, never loses a nanosecond below 1 s.
[[nodiscard]] std::string format_duration(Nanoseconds value);

// "123 ns", "4.56 us", "78.9 ms", "1.23 s": three significant figures, ASCII units (columns stay aligned)
[[nodiscard]] std::string short_duration(Nanoseconds value);

}  // namespace berkeley
