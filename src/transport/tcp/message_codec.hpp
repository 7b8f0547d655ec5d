#pragma once
// BERKELEY/1 messages to and from text lines. Pure: strings in, structs or a reason out.
// Every number is canonical decimal (optional '-', no leading zeros, no '+') and range-checked here,
// so a value that comes out of the parser is one the protocol allows.
#include <optional>
#include <string>
#include <string_view>

#include "transport/tcp/protocol.hpp"

namespace berkeley::tcp {

template <typename Message>
struct ParseResult {
  std::optional<Message> message;
  std::string error;  // when message is empty: why, in a few words that name the bad field

  explicit operator bool() const { return message.has_value(); }
};

// A line as received (terminator already removed by the LineDecoder).
[[nodiscard]] ParseResult<ClientMessage> parse_client_message(std::string_view line);
[[nodiscard]] ParseResult<MasterMessage> parse_master_message(std::string_view line);

// One line each, "\n" included. Free texts are cut so the line stays within kMaxLineBytes, and bytes
// that are not printable ASCII become '?'.
[[nodiscard]] std::string format_line(const Hello& message);
[[nodiscard]] std::string format_line(const TimeReply& message);
[[nodiscard]] std::string format_line(const Reading& message);
[[nodiscard]] std::string format_line(const Welcome& message);
[[nodiscard]] std::string format_line(const Refused& message);
[[nodiscard]] std::string format_line(const Error& message);
[[nodiscard]] std::string format_line(const Poll& message);
[[nodiscard]] std::string format_line(const Adjust& message);
[[nodiscard]] std::string format_line(const Probe& message);
[[nodiscard]] std::string format_line(const Bye& message);
[[nodiscard]] std::string format_line(const Join& message);
[[nodiscard]] std::string format_line(const Challenge& message);

// The command word of a message, e.g. "POLL", for log lines.
[[nodiscard]] std::string_view command_name(const ClientMessage& message);
[[nodiscard]] std::string_view command_name(const MasterMessage& message);

}  // namespace berkeley::tcp
