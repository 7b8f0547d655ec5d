// The framing of BERKELEY/1: whole lines out of bytes split anywhere; anything that is not a bounded line
// of printable ASCII is refused at the first offending byte (so a peer can never make us buffer more).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "transport/tcp/line_decoder.hpp"

namespace berkeley::tcp {
namespace {

struct Decoded {
  std::vector<std::string> lines;
  std::string error;
  std::size_t consumed = 0;
};

// feeds `input` in chunks of `chunk` bytes
Decoded decode(std::string_view input, std::size_t chunk, std::size_t max_line = kMaxLineBytes) {
  LineDecoder decoder(max_line);
  Decoded out;
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    std::string_view piece = input.substr(at, chunk);
    while (!piece.empty()) {
      const LineStep step = decoder.consume(piece);
      out.consumed += step.consumed;
      piece.remove_prefix(step.consumed);
      if (step.status == LineStatus::good) out.lines.emplace_back(decoder.line());
      if (step.status == LineStatus::bad) {
        out.error = decoder.error();
        return out;
      }
    }
  }
  return out;
}

TEST(LineDecoder, WholeLinesWhereverTheBytesAreSplit) {
  const std::string input = "HELLO BERKELEY/1 3\nTIME 1 123\r\nTIME 2 -5\n";
  for (std::size_t chunk : {1U, 2U, 3U, 7U, 64U}) {
    const Decoded d = decode(input, chunk);
    EXPECT_EQ(d.lines, (std::vector<std::string>{"HELLO BERKELEY/1 3", "TIME 1 123", "TIME 2 -5"})) << chunk;
    EXPECT_TRUE(d.error.empty()) << d.error;
  }
}

TEST(LineDecoder, NeedsMoreUntilTheNewline) {
  LineDecoder decoder;
  EXPECT_EQ(decoder.consume("POLL 1").status, LineStatus::need_more);
  EXPECT_EQ(decoder.consume("").status, LineStatus::need_more);
  const LineStep step = decoder.consume("7\nPOLL");
  EXPECT_EQ(step.status, LineStatus::good);
  EXPECT_EQ(step.consumed, 2U);
  EXPECT_EQ(decoder.line(), "POLL 17");
}

TEST(LineDecoder, ALineOfExactlyTheLimitIsGoodOneMoreIsBad) {
  EXPECT_EQ(decode(std::string(16, 'a') + "\n", 5, 16).lines.size(), 1U);
  const Decoded d = decode(std::string(17, 'a') + "\n", 5, 16);
  EXPECT_TRUE(d.lines.empty());
  EXPECT_NE(d.error.find("longer than 16 bytes"), std::string::npos) << d.error;
}

TEST(LineDecoder, AMegabyteWithoutNewlineIsRefusedAfterTheLimitNotBuffered) {
  const std::string megabyte(1 << 20, 'x');
  const Decoded d = decode(megabyte, 4096);
  EXPECT_NE(d.error.find("longer than 256 bytes"), std::string::npos) << d.error;
  EXPECT_EQ(d.consumed, kMaxLineBytes + 1);  // stopped at the first byte too many
}

TEST(LineDecoder, BinaryGarbageIsRefusedAtTheFirstByte) {
  for (const std::string& garbage : {std::string("\x00\x01\x02", 3), std::string("\xff\xfe"), std::string("A\tB\n"),
                                     std::string("\x16\x03\x01\x02\x00", 5) /* a TLS ClientHello */}) {
    const Decoded d = decode(garbage, 1);
    EXPECT_TRUE(d.lines.empty());
    EXPECT_NE(d.error.find("not printable ASCII"), std::string::npos) << d.error;
  }
  EXPECT_NE(decode("HEL\x80LO\n", 64).error.find("0x80 at column 4"), std::string::npos);
}

TEST(LineDecoder, ACarriageReturnOnlyRightBeforeTheNewline) {
  EXPECT_EQ(decode("BYE\r\n", 1).lines, (std::vector<std::string>{"BYE"}));
  EXPECT_NE(decode("BY\rE\n", 64).error.find("CR not followed by LF"), std::string::npos);
}

TEST(LineDecoder, OnceBadAlwaysBad) {
  LineDecoder decoder;
  EXPECT_EQ(decoder.consume(std::string_view("\0", 1)).status, LineStatus::bad);
  const LineStep again = decoder.consume("POLL 1\n");
  EXPECT_EQ(again.status, LineStatus::bad);
  EXPECT_EQ(again.consumed, 0U);
}

TEST(LineDecoder, AnEmptyLineIsALineTheGrammarRefuses) {
  EXPECT_EQ(decode("\n", 1).lines, (std::vector<std::string>{""}));
}

}  // namespace
}  // namespace berkeley::tcp
