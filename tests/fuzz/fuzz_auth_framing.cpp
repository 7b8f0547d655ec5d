// The seal of BERKELEY/2 lines (transport/tcp/auth_framing.hpp) with one fixed key and session.
// Input: a mode byte, then lines separated by LF. Mode even: the lines as a peer sent them, opened in order (the
// seeds hold genuine sealed lines of this key and session, so mutations start from lines that open). Mode odd:
// the lines are bodies to seal, open, and tamper with.
//
// Properties checked:
// - an opener takes a line only if it is exactly the sealed form of its body at the sequence number due:
//   nothing else opens, whatever the bytes (no second spelling of a number or a MAC, no line cut elsewhere);
// - after a refusal it refuses everything;
// - sealing then opening gives each body back, in order;
// - a sealed line with any one byte altered, a replayed line, the next line before its turn, the same body
//   sealed for the other direction, for another session or with another key: each is refused.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "transport/tcp/auth_framing.hpp"

namespace berkeley::tcp {
namespace {

using fuzz::check;

// The key and session of the seed corpus (tests/fuzz/corpus/fuzz_auth_framing: made with the same material).
const SharedKey& fuzz_key() {
  static const SharedKey key = SharedKey::from_material("berkeley_mpi fuzz_auth_framing key material, 32+ bytes");
  return key;
}
const SharedKey& other_key() {
  static const SharedKey key = SharedKey::from_material("another key: a peer that does not hold the group's one");
  return key;
}
SessionNonce session(unsigned char fill) {
  SessionNonce nonce;
  for (std::size_t i = 0; i < kNonceBytes; ++i) {
    nonce.client[i] = static_cast<unsigned char>(fill + i);
    nonce.master[i] = static_cast<unsigned char>(fill + 0x80 + i);
  }
  return nonce;
}
constexpr Direction kDirection = Direction::client_to_master;
constexpr std::size_t kMostBodies = 16;
constexpr Direction kOtherDirection = Direction::master_to_client;

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
    if (end == std::string_view::npos) return lines;
    start = end + 1;
  }
}

void check_refused(LineOpener& opener, std::string_view line, std::string_view what) {
  const LineOpener::Opened opened = opener.open(line);
  check(!opened.body.has_value(), what, line);
  check(!opened.error.empty() && opener.failed(), "a refusal without a reason, or an opener that goes on", line);
}

void open_as_received(std::string_view input) {
  LineOpener opener(fuzz_key(), session(0), kDirection);
  for (const std::string_view line : split_lines(input)) {
    const std::uint64_t due = opener.next_seq();
    const bool failed_before = opener.failed();
    const LineOpener::Opened opened = opener.open(line);
    if (!opened.body) {
      check(!opened.error.empty() && opener.failed(), "a refusal without a reason, or an opener that goes on", line);
      continue;
    }
    check(!failed_before, "a line opened after a refusal", line);
    const std::string genuine = *opened.body + " " + std::to_string(due) + " " +
                                line_mac_hex(fuzz_key(), session(0), kDirection, due, *opened.body);
    check(line == genuine, "a line opened that is not the sealed form of its body", line);
    check(opener.next_seq() == due + 1, "the sequence did not advance by one");
  }
}

void seal_and_tamper(std::string_view input) {
  LineSealer sealer(fuzz_key(), session(0), kDirection);
  LineSealer reverse(fuzz_key(), session(0), kOtherDirection);
  LineSealer foreign(fuzz_key(), session(1), kDirection);
  LineSealer forger(other_key(), session(0), kDirection);
  LineOpener opener(fuzz_key(), session(0), kDirection);
  std::string previous;
  std::size_t cursor = 0;  // where in the input the next alteration is read from
  // the first lines only: each costs a dozen MACs, and a session's properties show within a few lines (the
  // sequence numbers still reach two digits); the bytes of the others choose the alterations
  std::vector<std::string_view> bodies = split_lines(input);
  if (bodies.size() > kMostBodies) bodies.resize(kMostBodies);
  for (const std::string_view body : bodies) {
    const std::uint64_t seq = sealer.next_seq();
    LineSealer ahead = sealer;
    const std::string sealed = sealer.seal(body);
    const std::string suffix = " " + std::to_string(seq) + " ";
    check(sealed.size() == body.size() + suffix.size() + kMacHexDigits && sealed.compare(0, body.size(), body) == 0 &&
              sealed.compare(body.size(), suffix.size(), suffix) == 0,
          "a sealed line is not <body> <seq> <mac>", sealed);
    check(sealed.size() - body.size() <= kSealBytes, "a seal longer than kSealBytes", sealed);

    // one byte altered, anywhere, by any non-zero difference
    const std::size_t at = static_cast<unsigned char>(input[cursor % input.size()]) * 7919u % sealed.size();
    auto flip = static_cast<unsigned char>(input[(cursor + 1) % input.size()]);
    cursor += 2;
    std::string altered = sealed;
    altered[at] = static_cast<char>(static_cast<unsigned char>(altered[at]) ^ (flip == 0 ? 1 : flip));
    LineOpener copy = opener;
    check_refused(copy, altered, "a sealed line with one byte altered was opened");
    if (!previous.empty()) {
      copy = opener;
      check_refused(copy, previous, "a replayed line was opened");
    }
    (void)ahead.seal(body);
    copy = opener;
    check_refused(copy, ahead.seal(body), "the next line was opened before its turn");
    copy = opener;
    check_refused(copy, reverse.seal(body), "a line of the other direction was opened");
    copy = opener;
    check_refused(copy, foreign.seal(body), "a line of another session was opened");
    copy = opener;
    check_refused(copy, forger.seal(body), "a line sealed with another key was opened");

    const LineOpener::Opened opened = opener.open(sealed);
    check(opened.body.has_value() && *opened.body == body, "a sealed line did not open to its body",
          sealed + ": " + opened.error);
    previous = sealed;
  }
}

}  // namespace
}  // namespace berkeley::tcp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view lines(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  if (bytes[0] % 2 == 0) {
    berkeley::tcp::open_as_received(lines);
  } else {
    berkeley::tcp::seal_and_tamper(lines);
  }
  return 0;
}
