#include "transport/tcp/key_file.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace berkeley::tcp {
namespace {

void require_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialized");
}

std::string mode_text(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

SharedKey SharedKey::from_material(const std::string& material) {
  require_sodium();
  std::array<unsigned char, kBytes> bytes{};
  crypto_generichash(bytes.data(), bytes.size(), reinterpret_cast<const unsigned char*>(material.data()),
                     material.size(), nullptr, 0);
  SharedKey key(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return key;
}

SharedKey::~SharedKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

KeyFileResult read_key_file(const std::string& path) {
  const std::string named = "--key-file '" + path + "'";
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return {std::nullopt, named + ": " + std::strerror(errno)};
  if (!S_ISREG(info.st_mode)) return {std::nullopt, named + ": not a regular file"};
  if ((info.st_mode & 077) != 0) {
    return {std::nullopt, named + ": readable or writable by its group or others (mode " + mode_text(info.st_mode) +
                              "): chmod 600 it"};
  }
  if (static_cast<std::size_t>(info.st_size) > kMaxKeyFileBytes) {
    return {std::nullopt, named + ": " + std::to_string(info.st_size) + " bytes, more than a key file's " +
                              std::to_string(kMaxKeyFileBytes)};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return {std::nullopt, named + ": cannot be opened"};
  std::string material((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!material.empty() &&
         (material.back() == '\n' || material.back() == '\r' || material.back() == ' ' || material.back() == '\t')) {
    material.pop_back();
  }
  if (material.size() < kMinKeyFileBytes) {
    const std::string why = named + ": " + std::to_string(material.size()) + " bytes of key, fewer than " +
                            std::to_string(kMinKeyFileBytes) + " (" + kMakeKeyHint + ")";
    sodium_memzero(material.data(), material.size());
    return {std::nullopt, why};
  }
  KeyFileResult result{SharedKey::from_material(material), ""};
  sodium_memzero(material.data(), material.size());
  return result;
}

}  // namespace berkeley::tcp
