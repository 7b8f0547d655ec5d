// The key file of authenticated sessions (transport/tcp/key_file): refused unless only its owner can read it
// and it holds enough key material; the same material gives the same key, other material another.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "transport/tcp/key_file.hpp"

namespace berkeley::tcp {
namespace {

class KeyFile : public ::testing::Test {
 protected:
  std::filesystem::path dir;
  void SetUp() override {
    char name[] = "/tmp/berkeley-key-test-XXXXXX";
    ASSERT_NE(::mkdtemp(name), nullptr);
    dir = name;
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string write(const std::string& name, const std::string& content, mode_t mode) {
    const std::filesystem::path path = dir / name;
    std::ofstream(path, std::ios::binary) << content;
    ::chmod(path.c_str(), mode);
    return path.string();
  }
};

const std::string kMaterial = "0123456789abcdef0123456789abcdef";  // 32 bytes

bool same_key(const SharedKey& a, const SharedKey& b) {
  return std::memcmp(a.data(), b.data(), SharedKey::kBytes) == 0;
}

TEST_F(KeyFile, AnOwnerOnlyFileOfEnoughMaterialGivesItsKeyTheTrailingNewlineIgnored) {
  const KeyFileResult plain = read_key_file(write("plain", kMaterial, 0600));
  ASSERT_TRUE(plain.key.has_value()) << plain.error;
  const KeyFileResult echoed = read_key_file(write("echoed", kMaterial + "\n", 0400));
  ASSERT_TRUE(echoed.key.has_value()) << echoed.error;
  EXPECT_TRUE(same_key(*plain.key, *echoed.key));
  EXPECT_TRUE(same_key(*plain.key, SharedKey::from_material(kMaterial)));
  std::string other = kMaterial;
  other.back() = 'g';
  const KeyFileResult different = read_key_file(write("other", other, 0600));
  ASSERT_TRUE(different.key.has_value());
  EXPECT_FALSE(same_key(*plain.key, *different.key));
}

TEST_F(KeyFile, AFileOthersCanReadIsRefusedWithItsMode) {
  for (const mode_t mode : {0640, 0604, 0644, 0660, 0602}) {
    const std::string path = write("shared", kMaterial, mode);
    ::chmod(path.c_str(), mode);
    const KeyFileResult result = read_key_file(path);
    EXPECT_FALSE(result.key.has_value()) << std::oct << mode;
    char shown[16];
    std::snprintf(shown, sizeof shown, "(mode %04o)", static_cast<unsigned>(mode));
    EXPECT_NE(result.error.find(shown), std::string::npos) << result.error;
    EXPECT_NE(result.error.find("chmod 600"), std::string::npos) << result.error;
    EXPECT_NE(result.error.find(path), std::string::npos) << result.error;
  }
}

TEST_F(KeyFile, TooShortMissingADirectoryOrHugeIsRefusedWithTheReason) {
  const KeyFileResult short_key = read_key_file(write("short", std::string(31, 'k') + "\n\n", 0600));
  EXPECT_FALSE(short_key.key.has_value());
  EXPECT_NE(short_key.error.find("31 bytes of key, fewer than 32"), std::string::npos) << short_key.error;
  EXPECT_NE(short_key.error.find("head -c 32 /dev/urandom"), std::string::npos) << short_key.error;

  const KeyFileResult missing = read_key_file((dir / "nowhere").string());
  EXPECT_FALSE(missing.key.has_value());
  EXPECT_NE(missing.error.find("No such file"), std::string::npos) << missing.error;

  ::chmod(dir.c_str(), 0700);
  const KeyFileResult directory = read_key_file(dir.string());
  EXPECT_FALSE(directory.key.has_value());
  EXPECT_NE(directory.error.find("not a regular file"), std::string::npos) << directory.error;

  const KeyFileResult huge = read_key_file(write("huge", std::string(kMaxKeyFileBytes + 1, 'k'), 0600));
  EXPECT_FALSE(huge.key.has_value());
  EXPECT_NE(huge.error.find("more than a key file's"), std::string::npos) << huge.error;
}

}  // namespace
}  // namespace berkeley::tcp
