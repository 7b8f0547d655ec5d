#pragma once
// A report file named on the command line (--json): opened before any work, so that a run does not end
// in "cannot write", and written once at its end. Every program's report file goes through it.
#include <fstream>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace berkeley {

class ReportFile {
 public:
  ReportFile() = default;  // no file wanted: open() and write() succeed doing nothing
  explicit ReportFile(std::string path) : path_(std::move(path)) {}

  [[nodiscard]] bool wanted() const { return !path_.empty(); }
  [[nodiscard]] const std::string& path() const { return path_; }
  // opens it for writing; false when it cannot be opened
  [[nodiscard]] bool open();
  // hands the open file to `write`, then closes it; false when writing failed
  [[nodiscard]] bool write(const std::function<void(std::ostream&)>& write);

 private:
  std::string path_;
  std::ofstream file_;
};

// What every program says: "<program>: --json: cannot write '<path>'", "... writing '<path>' failed".
[[nodiscard]] std::string cannot_open_message(std::string_view program, const ReportFile& file);
[[nodiscard]] std::string write_failed_message(std::string_view program, const ReportFile& file);

}  // namespace berkeley
