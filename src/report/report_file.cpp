#include "report/report_file.hpp"

#include <ostream>

namespace berkeley {

bool ReportFile::open() {
  if (!wanted()) return true;
  file_.open(path_);
  return file_.is_open();
}

bool ReportFile::write(const std::function<void(std::ostream&)>& write) {
  if (!wanted()) return true;
  if (!file_.is_open()) return false;
  write(file_);
  file_.close();
  return !file_.fail();
}

std::string cannot_open_message(std::string_view program, const ReportFile& file) {
  return std::string(program) + ": " + file.option() + ": cannot write '" + file.path() + "'";
}

std::string write_failed_message(std::string_view program, const ReportFile& file) {
  return std::string(program) + ": " + file.option() + ": writing '" + file.path() + "' failed";
}

}  // namespace berkeley
