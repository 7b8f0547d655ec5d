// The wire of BERKELEY/1 and /2 as a peer can write it: bytes → LineDecoder → lines → message codec.
// Input: a flags byte, a chunking byte, then the stream (or, with the flags' top bit set, the values of one
// message to format and parse back).
//
// Properties checked (transport/tcp/line_decoder.hpp, message_codec.hpp, docs/protocol.md):
// - the decoder takes exactly the lines a plain model of the framing rules takes (LF ends a line, one CR before
//   it tolerated, printable ASCII only, at most the limit), and breaks exactly where the model does;
// - it never holds more than the limit: a bad line fails within limit + 2 bytes of its start;
// - how the bytes are split into reads changes nothing (same lines, same error at the same offset);
// - once bad it stays bad and consumes nothing; a good step consumes at least one byte;
// - a line the codec accepts formats back to itself (numbers are canonical, one space between fields; the one
//   other spelling taken is an empty free text after its space, "BYE "), and a formatted line fits the limit,
//   decodes as one line and parses to the same message;
// - a message of in-range values formats to a line that parses back to the same values.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "clock/clock_domain.hpp"
#include "fuzz_check.hpp"
#include "transport/tcp/auth_framing.hpp"
#include "transport/tcp/line_decoder.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {
namespace {

using fuzz::check;

bool printable(char c) { return c >= 0x20 && c <= 0x7E; }
bool all_printable(std::string_view text) {
  for (const char c : text) {
    if (!printable(c)) return false;
  }
  return true;
}

struct Decoded {
  std::vector<std::string> lines;
  bool bad = false;
  std::string error;
  std::size_t failed_at = 0;  // bytes consumed up to and including the offending one
};

// The framing rules written plainly, from docs/protocol.md, without the decoder's state machine.
Decoded model(std::string_view stream, std::size_t max_line) {
  Decoded out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = stream.find('\n', start);
    std::string_view line = stream.substr(start, end == std::string_view::npos ? stream.npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // a line still open (no LF yet) is fine while everything so far could begin a good line
    if (!all_printable(line) || line.size() > max_line) {
      out.bad = true;
      return out;
    }
    if (end == std::string_view::npos) return out;
    out.lines.emplace_back(line);
    start = end + 1;
  }
}

// Feeds the stream in reads of the sizes `next_read` gives, as a socket would deliver it.
template <typename NextRead>
Decoded decode(std::string_view stream, std::size_t max_line, NextRead next_read) {
  Decoded out;
  LineDecoder decoder(max_line);
  std::size_t offset = 0;      // bytes of the stream consumed so far
  std::size_t line_start = 0;  // where the current line began
  while (offset < stream.size()) {
    std::string_view read = stream.substr(offset, next_read());
    while (!read.empty()) {
      const LineStep step = decoder.consume(read);
      check(step.consumed <= read.size(), "the decoder consumed more than it was given");
      offset += step.consumed;
      read.remove_prefix(step.consumed);
      if (step.status == LineStatus::good) {
        check(step.consumed > 0, "a good line consumed nothing");
        const std::string_view line = decoder.line();
        check(line.size() <= max_line, "a line longer than the limit was taken");
        check(all_printable(line), "a line with a byte that is not printable ASCII was taken");
        out.lines.emplace_back(line);
        line_start = offset;
      } else if (step.status == LineStatus::bad) {
        check(step.consumed > 0, "a failure consumed nothing (the offending byte is consumed)");
        check(decoder.failed() && !decoder.error().empty(), "bad without a reason");
        check(offset - line_start <= max_line + 2, "the decoder buffered more than the limit before failing");
        const LineStep again = decoder.consume(stream.substr(offset));
        check(again.status == LineStatus::bad && again.consumed == 0, "bad did not stay bad");
        out.bad = true;
        out.error = decoder.error();
        out.failed_at = offset;
        return out;
      } else {
        check(read.empty(), "need_more left bytes unconsumed");
      }
    }
  }
  check(!decoder.failed(), "failed() without a bad step");
  return out;
}

std::string format_any(const auto& message) {
  return std::visit([](const auto& m) { return format_line(m); }, message);
}

// A message the codec took from `line`: formatted again it is the same line, or (a keyed session's longer
// free text) a line within the limit that is its own fixed point.
template <typename Parse>
void check_reformats(std::string_view line, Parse parse) {
  const auto parsed = parse(line);
  if (!parsed) {
    check(!parsed.error.empty(), "a refused line without a reason", line);
    return;
  }
  check(!command_name(*parsed.message).empty(), "a message without a command name");
  const std::string formatted = format_any(*parsed.message);
  check(!formatted.empty() && formatted.back() == '\n', "a formatted line without its LF", formatted);
  check(formatted.size() - 1 <= kMaxLineBytes, "a formatted line longer than the limit", formatted);
  if (line.size() <= kMaxLineBytes) {
    // the one other spelling taken: an empty free text after its space ("BYE " is "BYE")
    const bool empty_text = line == "REFUSED " || line == "ERROR " || line == "BYE ";
    const std::string_view same = empty_text ? line.substr(0, line.size() - 1) : line;
    check(std::string_view(formatted).substr(0, formatted.size() - 1) == same,
          "an accepted line does not format back to itself", std::string(line) + " -> " + formatted);
  }
  LineDecoder decoder;
  const LineStep step = decoder.consume(formatted);
  check(step.status == LineStatus::good && step.consumed == formatted.size(), "a formatted line does not decode",
        formatted);
  const auto again = parse(decoder.line());
  check(static_cast<bool>(again), "a formatted line does not parse", formatted + ": " + again.error);
  check(again.message->index() == parsed.message->index(), "a formatted line parses to another command", formatted);
  check(format_any(*again.message) == formatted, "formatting is not a fixed point", formatted);
}

// flags, chunking: the first two bytes of the input (printable in the seeds: "00HELLO BERKELEY/1 7\n...")
void fuzz_stream(std::uint8_t flags, std::uint8_t chunking, std::string_view stream) {
  // the limits the programs use: plain lines, sealed lines (a keyed session), and a small one for short inputs
  const std::size_t limits[] = {kMaxLineBytes, kMaxLineBytes + kSealBytes, 8};
  const std::size_t max_line = limits[flags % 3];

  const Decoded expected = model(stream, max_line);
  const Decoded whole = decode(stream, max_line, [&] { return stream.size(); });
  std::uint32_t state = chunking;
  const Decoded pieces = decode(stream, max_line, [&] {
    state = state * 1103515245u + 12345u;
    return std::size_t{1} + (state >> 16) % (std::size_t{chunking} % 32 + 1);
  });

  check(whole.lines == expected.lines, "the decoder's lines differ from the framing rules'");
  check(whole.bad == expected.bad, whole.bad ? "the decoder refused a good stream" : "the decoder took a bad stream",
        whole.error);
  check(pieces.lines == whole.lines && pieces.bad == whole.bad && pieces.error == whole.error &&
            pieces.failed_at == whole.failed_at,
        "splitting the stream into other reads changed what was decoded");

  for (const std::string& line : whole.lines) {
    check_reformats(line, [](std::string_view l) { return parse_client_message(l); });
    check_reformats(line, [](std::string_view l) { return parse_master_message(l); });
  }
}

// ---- messages of in-range values → line → the same values ---------------------------------------------------

std::int64_t in_range(FuzzedDataProvider& data, std::int64_t minimum, std::int64_t maximum) {
  return data.ConsumeIntegralInRange<std::int64_t>(minimum, maximum);
}

std::string line_of(const std::string& formatted) {
  check(!formatted.empty() && formatted.back() == '\n', "a formatted line without its LF", formatted);
  check(formatted.size() - 1 <= kMaxLineBytes, "a formatted line longer than the limit", formatted);
  check(all_printable(std::string_view(formatted).substr(0, formatted.size() - 1)),
        "a formatted line with a byte that is not printable ASCII", formatted);
  return formatted.substr(0, formatted.size() - 1);
}

template <typename Message>
Message client_back(const Message& message) {
  const std::string line = line_of(format_line(message));
  const ParseResult<ClientMessage> parsed = parse_client_message(line);
  check(parsed && std::holds_alternative<Message>(*parsed.message), "a client message does not parse back",
        line + ": " + parsed.error);
  return std::get<Message>(*parsed.message);
}

template <typename Message>
Message master_back(const Message& message) {
  const std::string line = line_of(format_line(message));
  const ParseResult<MasterMessage> parsed = parse_master_message(line);
  check(parsed && std::holds_alternative<Message>(*parsed.message), "a master message does not parse back",
        line + ": " + parsed.error);
  return std::get<Message>(*parsed.message);
}

Nonce nonce_from(FuzzedDataProvider& data) {
  Nonce nonce{};
  for (unsigned char& byte : nonce) byte = data.ConsumeIntegral<unsigned char>();
  return nonce;
}

// what a free text becomes on the wire: non-printable bytes as '?', cut to fit the line
void check_free_text(const std::string& sent, const std::string& received) {
  check(received.size() <= sent.size(), "a free text grew on the wire");
  for (std::size_t i = 0; i < received.size(); ++i) {
    check(received[i] == (printable(sent[i]) ? sent[i] : '?'), "a free text changed on the wire", received);
  }
}

void fuzz_messages(FuzzedDataProvider& data) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  switch (data.ConsumeIntegralInRange<int>(0, 11)) {
    case 0: {
      Hello hello{in_range(data, 1, kMaxClientId)};
      if (data.ConsumeBool()) hello.nonce = nonce_from(data);
      if (data.ConsumeBool()) {
        std::string domain = data.ConsumeRandomLengthString(100);
        if (is_clock_domain(domain)) hello.clock_domain = domain;
      }
      const Hello back = client_back(hello);
      check(back.client_id == hello.client_id && back.nonce == hello.nonce && back.clock_domain == hello.clock_domain,
            "HELLO changed on the wire");
      break;
    }
    case 1: {
      const TimeReply sent{in_range(data, 1, kMax), at_ns(in_range(data, kMin, kMax))};
      const TimeReply back = client_back(sent);
      check(back.seq == sent.seq && back.clock_ns == sent.clock_ns, "TIME changed on the wire");
      break;
    }
    case 2: {
      const Reading sent{in_range(data, 0, kMax), at_ns(in_range(data, kMin, kMax)), at_ns(in_range(data, kMin, kMax)),
                         Nanoseconds{in_range(data, 0, kMaxReadWindow.count())}};
      const Reading back = client_back(sent);
      check(back.instant_ns == sent.instant_ns && back.raw_ns == sent.raw_ns &&
                back.corrected_ns == sent.corrected_ns && back.window_ns == sent.window_ns,
            "READING changed on the wire");
      break;
    }
    case 3: {
      const Welcome sent{in_range(data, 1, kMaxClientId), in_range(data, 1, kMaxClients), data.ConsumeBool()};
      const Welcome back = master_back(sent);
      check(back.client_id == sent.client_id && back.clients == sent.clients && back.keyed == sent.keyed,
            "WELCOME changed on the wire");
      break;
    }
    case 4: {
      const Poll sent{in_range(data, 1, kMax)};
      check(master_back(sent).seq == sent.seq, "POLL changed on the wire");
      break;
    }
    case 5: {
      const Adjust sent{in_range(data, 1, kMaxRound),
                        Nanoseconds{in_range(data, -kMaxAdjustment.count(), kMaxAdjustment.count())}};
      const Adjust back = master_back(sent);
      check(back.round == sent.round && back.delta_ns == sent.delta_ns, "ADJUST changed on the wire");
      break;
    }
    case 6: {
      Probe sent{in_range(data, 0, kMax)};
      if (data.ConsumeBool()) sent.delay_ns = in_range(data, 0, kMaxProbeDelay.count());
      const Probe back = master_back(sent);
      check(back.instant_ns == sent.instant_ns && back.delay_ns == sent.delay_ns, "PROBE changed on the wire");
      break;
    }
    case 7: {
      const Challenge sent{nonce_from(data)};
      check(master_back(sent).nonce == sent.nonce, "CHALLENGE changed on the wire");
      break;
    }
    case 8: {
      const Refused sent{data.ConsumeRandomLengthString(400)};
      check_free_text(sent.reason, master_back(sent).reason);
      break;
    }
    case 9: {
      const Bye sent{data.ConsumeRandomLengthString(400)};
      check_free_text(sent.reason, master_back(sent).reason);
      break;
    }
    case 10: {
      const Error sent{data.ConsumeRandomLengthString(400)};
      check_free_text(sent.reason, master_back(sent).reason);
      check_free_text(sent.reason, client_back(sent).reason);
      break;
    }
    default:
      (void)client_back(Join{});
      break;
  }
}

}  // namespace
}  // namespace berkeley::tcp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size < 2) return 0;
  // the top bit of the first byte picks the mode: a byte stream (the seeds), or the values of one message
  if ((bytes[0] & 0x80) != 0) {
    FuzzedDataProvider data(bytes + 1, size - 1);
    berkeley::tcp::fuzz_messages(data);
  } else {
    berkeley::tcp::fuzz_stream(bytes[0], bytes[1],
                               std::string_view(reinterpret_cast<const char*>(bytes) + 2, size - 2));
  }
  return 0;
}
