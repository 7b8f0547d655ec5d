#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "report/report_file.hpp"

namespace berkeley {
namespace {

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path temporary_path(const char* name) {
  return std::filesystem::temp_directory_path() / (std::string(name) + "-" + std::to_string(getpid()) + ".json");
}

TEST(ReportFile, IsOpenedFirstAndHoldsWhatTheWriterPutThere) {
  const std::filesystem::path path = temporary_path("report-file");
  ReportFile file(path.string());
  ASSERT_TRUE(file.wanted());
  ASSERT_TRUE(file.open());
  EXPECT_TRUE(std::filesystem::exists(path));  // created at open, before any work
  EXPECT_TRUE(file.write([](std::ostream& out) { out << "{\"ok\": true}\n"; }));
  EXPECT_EQ(read_all(path), "{\"ok\": true}\n");
  std::filesystem::remove(path);
}

TEST(ReportFile, WithoutAPathNothingIsWrittenAndNothingFails) {
  ReportFile file;
  EXPECT_FALSE(file.wanted());
  EXPECT_TRUE(file.open());
  bool called = false;
  EXPECT_TRUE(file.write([&](std::ostream&) { called = true; }));
  EXPECT_FALSE(called);
}

TEST(ReportFile, APathThatCannotBeOpenedIsRefusedWithItsName) {
  ReportFile file("/nonexistent-directory/report.json");
  EXPECT_FALSE(file.open());
  EXPECT_FALSE(file.write([](std::ostream& out) { out << "lost"; }));  // never opened: not written
  EXPECT_EQ(cannot_open_message("prog", file), "prog: --json: cannot write '/nonexistent-directory/report.json'");
  EXPECT_EQ(write_failed_message("prog", file), "prog: --json: writing '/nonexistent-directory/report.json' failed");
}

TEST(ReportFile, AWriteThatFailsIsReported) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  ReportFile file("/dev/full");  // opens, but every write fails (ENOSPC)
  ASSERT_TRUE(file.open());
  EXPECT_FALSE(file.write([](std::ostream& out) { out << std::string(1 << 16, 'x'); }));
}

}  // namespace
}  // namespace berkeley
