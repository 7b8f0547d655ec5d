#pragma once
// Framing of BERKELEY/1: an incremental, bounded line decoder in the manner of Asio's HTTP request
// parser. Bytes go in as they arrive (any split); out come whole lines, or the reason the stream is bad.
// Pure: no sockets.
#include <cstddef>
#include <string>
#include <string_view>

#include "transport/tcp/protocol.hpp"

namespace berkeley::tcp {

enum class LineStatus {
  good,       // a whole line is ready in line()
  bad,        // the stream broke the framing rules (error() says how); it cannot be resynchronized
  need_more,  // every byte was consumed and no line is complete yet
};

struct LineStep {
  LineStatus status = LineStatus::need_more;
  std::size_t consumed = 0;  // bytes of the input used; feed the rest again after taking a good line
};

// Rules: a line ends with LF; one CR right before the LF is tolerated (nc -C, telnet); every other byte
// must be printable ASCII (0x20..0x7E); at most max_line_bytes before the terminator. A line that is too
// long is refused as soon as its first extra byte arrives, so a peer can never make us buffer more.
class LineDecoder {
 public:
  explicit LineDecoder(std::size_t max_line_bytes = kMaxLineBytes);
  // from the next byte on, lines up to this long are taken (a keyed session's lines carry a seal)
  void set_max_line_bytes(std::size_t max_line_bytes) { max_line_bytes_ = max_line_bytes; }

  // Consumes input up to the end of one line (good), up to the offending byte (bad) or all of it
  // (need_more). After good, the next call starts a new line. Once bad, always bad (consumes nothing).
  LineStep consume(std::string_view input);

  // the last good line, without its terminator; valid until the next consume()
  [[nodiscard]] std::string_view line() const { return line_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] bool failed() const { return !error_.empty(); }

 private:
  LineStep fail(std::string reason, std::size_t consumed);

  std::size_t max_line_bytes_;
  std::string line_;
  std::string error_;
  bool line_complete_ = false;
  bool pending_cr_ = false;
};

}  // namespace berkeley::tcp
