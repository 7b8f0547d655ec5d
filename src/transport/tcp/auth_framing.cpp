#include "transport/tcp/auth_framing.hpp"

#include <sodium.h>

#include <charconv>
#include <stdexcept>

namespace berkeley::tcp {
namespace {

void require_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialized");
}

using Mac = std::array<unsigned char, crypto_auth_BYTES>;
static_assert(crypto_auth_KEYBYTES == SharedKey::kBytes);
static_assert(2 * crypto_auth_BYTES == kMacHexDigits);

// what the MAC covers: protocol, direction, both nonces, the sequence number (8 bytes, big-endian), the body
std::string mac_input(const SessionNonce& session, Direction direction, std::uint64_t seq, std::string_view body) {
  std::string input;
  input.reserve(kAuthenticatedProtocol.size() + 1 + 2 * kNonceBytes + 8 + body.size());
  input.append(kAuthenticatedProtocol);
  input.push_back(static_cast<char>(direction));
  input.append(reinterpret_cast<const char*>(session.client.data()), session.client.size());
  input.append(reinterpret_cast<const char*>(session.master.data()), session.master.size());
  for (int shift = 56; shift >= 0; shift -= 8) input.push_back(static_cast<char>((seq >> shift) & 0xff));
  input.append(body);
  return input;
}

const unsigned char* bytes(const std::string& input) { return reinterpret_cast<const unsigned char*>(input.data()); }

Mac compute_mac(const SharedKey& key, const SessionNonce& session, Direction direction, std::uint64_t seq,
                std::string_view body) {
  require_sodium();
  const std::string input = mac_input(session, direction, seq, body);
  Mac mac{};
  crypto_auth(mac.data(), bytes(input), input.size(), key.data());
  return mac;
}

std::string hex_of(const unsigned char* bytes, std::size_t size) {
  std::string hex(2 * size + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

// exactly `size` bytes from 2 × size lowercase hex digits
template <std::size_t N>
std::optional<std::array<unsigned char, N>> bytes_of_hex(std::string_view text) {
  if (text.size() != 2 * N) return std::nullopt;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  std::array<unsigned char, N> bytes{};
  std::size_t length = 0;
  if (sodium_hex2bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length, nullptr) != 0 ||
      length != N) {
    return std::nullopt;
  }
  return bytes;
}

}  // namespace

Nonce random_nonce() {
  require_sodium();
  Nonce nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  return nonce;
}

std::string nonce_hex(const Nonce& nonce) { return hex_of(nonce.data(), nonce.size()); }

std::optional<Nonce> parse_nonce_hex(std::string_view text) { return bytes_of_hex<kNonceBytes>(text); }

std::string line_mac_hex(const SharedKey& key, const SessionNonce& session, Direction direction, std::uint64_t seq,
                         std::string_view body) {
  const Mac mac = compute_mac(key, session, direction, seq, body);
  return hex_of(mac.data(), mac.size());
}

LineSealer::LineSealer(const SharedKey& key, const SessionNonce& session, Direction direction)
    : key_(key), session_(session), direction_(direction) {}

std::string LineSealer::seal(std::string_view body) {
  const std::uint64_t seq = next_seq_++;
  std::string line(body);
  line += ' ';
  line += std::to_string(seq);
  line += ' ';
  line += line_mac_hex(key_, session_, direction_, seq, body);
  return line;
}

LineOpener::LineOpener(const SharedKey& key, const SessionNonce& session, Direction direction)
    : key_(key), session_(session), direction_(direction) {}

LineOpener::Opened LineOpener::open(std::string_view line) {
  if (failed_) return {std::nullopt, "the session already failed authentication"};
  auto refuse = [this](std::string why) {
    failed_ = true;
    return Opened{std::nullopt, std::move(why)};
  };
  const std::size_t mac_space = line.rfind(' ');
  if (mac_space == std::string_view::npos) return refuse("no sequence number and MAC");
  const std::string_view mac_text = line.substr(mac_space + 1);
  const std::string_view rest = line.substr(0, mac_space);
  const std::size_t seq_space = rest.rfind(' ');
  if (seq_space == std::string_view::npos) return refuse("no sequence number before the MAC");
  const std::string_view seq_text = rest.substr(seq_space + 1);
  const std::string_view body = rest.substr(0, seq_space);

  const auto mac = bytes_of_hex<crypto_auth_BYTES>(mac_text);
  if (!mac) return refuse("the MAC is not " + std::to_string(kMacHexDigits) + " lowercase hex digits");
  std::uint64_t seq = 0;
  const auto [end, status] = std::from_chars(seq_text.data(), seq_text.data() + seq_text.size(), seq);
  const bool canonical = !seq_text.empty() && (seq_text.size() == 1 || seq_text.front() != '0');
  if (status != std::errc() || end != seq_text.data() + seq_text.size() || !canonical) {
    return refuse("the sequence number is not a canonical decimal number");
  }
  // the MAC first: an unauthenticated line says nothing about the sequence (no oracle for a forger)
  require_sodium();
  const std::string input = mac_input(session_, direction_, seq, body);
  if (crypto_auth_verify(mac->data(), bytes(input), input.size(), key_.data()) != 0) {
    return refuse("bad MAC (altered, injected, of another session or direction, or made without the key)");
  }
  if (seq != next_seq_) {
    return refuse("sequence " + std::to_string(seq) + " where " + std::to_string(next_seq_) +
                  " was due (replayed or reordered)");
  }
  ++next_seq_;
  return {std::string(body), ""};
}

}  // namespace berkeley::tcp
