#pragma once
// The benchmark's child: the real berkeley_master with its stdout on a pipe, and a temporary file for its report.
#include <sys/types.h>

#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace berkeley::tcp::bench {

// A temporary file for the master's report, removed whichever way the run ends.
class TemporaryReport {
 public:
  TemporaryReport();
  ~TemporaryReport();
  TemporaryReport(const TemporaryReport&) = delete;
  TemporaryReport& operator=(const TemporaryReport&) = delete;
  [[nodiscard]] const char* path() const { return path_; }

 private:
  char path_[32] = "/tmp/berkeley_tcp_bench_XXXXXX";
};

// A child process (berkeley_master) with its stdout on a pipe; killed and reaped if still running at the end.
class MasterProcess {
 public:
  explicit MasterProcess(const std::vector<std::string>& argv);
  ~MasterProcess();
  MasterProcess(const MasterProcess&) = delete;
  MasterProcess& operator=(const MasterProcess&) = delete;

  // the first line of its stdout, within `seconds`
  [[nodiscard]] std::optional<std::string> first_line(int seconds);
  // keeps the pipe drained (the master must never block on its stdout)
  void drain_in_background();
  // waits (bounded) for the exit; returns the exit status and the peak RSS in KiB
  [[nodiscard]] std::optional<std::pair<int, long>> wait(int seconds);

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool reaped_ = false;
  std::thread reader_;
};

}  // namespace berkeley::tcp::bench
