#pragma once
// The shared secret of an authenticated TCP session (--key-file FILE; docs/security.md): read from a file only
// its owner may read, holding at least kMinKeyFileBytes of key material, hashed (BLAKE2b, libsodium's
// crypto_generichash) to the one key every MAC of the session uses. Socket-free.
#include <array>
#include <cstddef>
#include <optional>
#include <string>

namespace berkeley::tcp {

// fewer bytes than this (trailing whitespace not counted) is refused: a guessable key protects nothing
inline constexpr std::size_t kMinKeyFileBytes = 32;
// a key file larger than this is not a key file
inline constexpr std::size_t kMaxKeyFileBytes = 4096;

// One crypto_auth key (HMAC-SHA-512-256), wiped when it goes.
class SharedKey {
 public:
  static constexpr std::size_t kBytes = 32;
  explicit SharedKey(const std::array<unsigned char, kBytes>& bytes) : bytes_(bytes) {}
  // hashed from key material (tests, and read_key_file)
  [[nodiscard]] static SharedKey from_material(const std::string& material);
  ~SharedKey();
  SharedKey(const SharedKey&) = default;
  SharedKey& operator=(const SharedKey&) = default;
  [[nodiscard]] const unsigned char* data() const { return bytes_.data(); }

 private:
  std::array<unsigned char, kBytes> bytes_{};
};

struct KeyFileResult {
  std::optional<SharedKey> key;
  std::string error;  // when key is empty: why, naming the file and what to do
};

// Refused, with the reason: a file that cannot be read, is not a regular file, can be read by its group or
// others (its mode is shown: chmod 600), is larger than kMaxKeyFileBytes, or holds fewer than kMinKeyFileBytes
// of key material once trailing whitespace (the newline of `echo`) is dropped.
[[nodiscard]] KeyFileResult read_key_file(const std::string& path);

// How to make one (for messages and --help).
inline constexpr const char* kMakeKeyHint = "make one with: head -c 32 /dev/urandom | base64 > FILE && chmod 600 FILE";

}  // namespace berkeley::tcp
