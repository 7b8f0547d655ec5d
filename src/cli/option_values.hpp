#pragma once
// Checked option values for the berkeley_* command lines: each takes the option's name and its text and
// either returns the value or throws BadValue with one line that names both. No I/O.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace berkeley::cli {

struct BadValue {
  std::string message;
};

// "--port: '70000' is not a port (0..65535)"
[[nodiscard]] std::string bad_value(const std::string& option, const std::string& text, const std::string& expected);

// a duration with a unit ("500ms", "2s"; a bare number is seconds) within [0 or >0, maximum]
[[nodiscard]] Nanoseconds duration_value(const std::string& option, const std::string& text, bool allow_zero,
                                         Nanoseconds maximum = Nanoseconds::max());
// a whole number within [minimum, maximum]
[[nodiscard]] std::int64_t integer_value(const std::string& option, const std::string& text, std::int64_t minimum,
                                         std::int64_t maximum);
[[nodiscard]] std::uint64_t unsigned_value(const std::string& option, const std::string& text);
// a TCP port; 0 only when allow_zero
[[nodiscard]] std::uint16_t port_value(const std::string& option, const std::string& text, bool allow_zero);
// a number (not NaN) within [minimum, maximum]; otherwise the message ends with `expected`
[[nodiscard]] double number_value(const std::string& option, const std::string& text, double minimum, double maximum,
                                  const std::string& expected);
// drift in ppm, 0..500 (the stated bounds assume clocks within 500 ppm: core/time.hpp kMaxRelativeRate)
[[nodiscard]] double drift_value(const std::string& option, const std::string& text);
// an IPv4 or IPv6 address literal ("127.0.0.1", "::1")
[[nodiscard]] std::string ip_address_value(const std::string& option, const std::string& text);
// 127.0.0.0/8 and ::1: only this machine can reach an address of these
[[nodiscard]] bool is_loopback_address(const std::string& address);
// A master listening beyond loopback without a key needs --insecure: a BadValue naming `option` otherwise.
void require_key_or_insecure(const char* option, const std::string& address, bool keyed, bool insecure);
// what a keyless master beyond loopback prints when it starts (--insecure)
[[nodiscard]] std::string insecure_warning(const std::string& program, const std::string& address);
inline constexpr const char* kInsecureHelp =
    "listen beyond loopback without --key-file: anyone who can reach the port can join and move the group's "
    "clocks (a warning is printed)";

// "a,b,c" → {"a", "b", "c"}; an empty list or a trailing comma gives an empty item, which the caller
// then names as bad
[[nodiscard]] std::vector<std::string> split_list(const std::string& text);

// The files a run writes (option → path; empty paths are not wanted): two options naming one file would leave
// only the last one written, so that is a BadValue naming both.
void require_distinct_files(const std::vector<std::pair<std::string, std::string>>& option_paths);

}  // namespace berkeley::cli
