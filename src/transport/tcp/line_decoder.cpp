#include "transport/tcp/line_decoder.hpp"

#include <cstdio>

namespace berkeley::tcp {
namespace {

bool printable(char c) { return c >= 0x20 && c <= 0x7E; }

std::string describe_byte(unsigned char byte, std::size_t column) {
  char text[96];
  std::snprintf(text, sizeof text, "byte 0x%02X at column %zu is not printable ASCII", static_cast<unsigned>(byte),
                column);
  return text;
}

}  // namespace

LineDecoder::LineDecoder(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

LineStep LineDecoder::fail(std::string reason, std::size_t consumed) {
  error_ = std::move(reason);
  line_.clear();
  return LineStep{LineStatus::bad, consumed};
}

LineStep LineDecoder::consume(std::string_view input) {
  if (failed()) return LineStep{LineStatus::bad, 0};
  if (line_complete_) {
    line_.clear();
    line_complete_ = false;
  }
  for (std::size_t i = 0; i < input.size(); ++i) {
    const char c = input[i];
    if (c == '\n') {
      pending_cr_ = false;
      line_complete_ = true;
      return LineStep{LineStatus::good, i + 1};
    }
    // line_ holds every byte of the current line so far (the terminator not counted)
    if (pending_cr_) return fail("CR not followed by LF at column " + std::to_string(line_.size()), i + 1);
    if (c == '\r') {
      pending_cr_ = true;
      continue;
    }
    const std::size_t column = line_.size() + 1;
    if (!printable(c)) return fail(describe_byte(static_cast<unsigned char>(c), column), i + 1);
    if (column > max_line_bytes_) {
      return fail("line longer than " + std::to_string(max_line_bytes_) + " bytes", i + 1);
    }
    line_.push_back(c);
  }
  return LineStep{LineStatus::need_more, input.size()};
}

}  // namespace berkeley::tcp
