#pragma once
// A report file named on the command line (--json, --offsets, --csv): opened before any work, so that a run
// does not end in "cannot write", and written once at its end. Every program's report file goes through it.
#include <fstream>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace berkeley {

class ReportFile {
 public:
  ReportFile() = default;  // no file wanted: open() and write() succeed doing nothing
  // `option`: the command-line option that named it, for the messages
  explicit ReportFile(std::string path, std::string option = "--json")
      : path_(std::move(path)), option_(std::move(option)) {}

  [[nodiscard]] bool wanted() const { return !path_.empty(); }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& option() const { return option_; }
  // opens it for writing; false when it cannot be opened
  [[nodiscard]] bool open();
  // hands the open file to `write`, then closes it; false when writing failed
  [[nodiscard]] bool write(const std::function<void(std::ostream&)>& write);

 private:
  std::string path_;
  std::string option_ = "--json";
  std::ofstream file_;
};

// What every program says: "<program>: --json: cannot write '<path>'", "... writing '<path>' failed" (the
// file's own option in place of --json).
[[nodiscard]] std::string cannot_open_message(std::string_view program, const ReportFile& file);
[[nodiscard]] std::string write_failed_message(std::string_view program, const ReportFile& file);

}  // namespace berkeley
