#pragma once
// run_master (transport/tcp/master) on a thread of the test's process, on 127.0.0.1 port 0, its output and log
// readable while it runs (SharedText): for the master's tests and the keyed-session tests.
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>
#include <thread>

#include "tcp/loopback_support.hpp"
#include "transport/tcp/master.hpp"

namespace berkeley::tcp::test {

// Text written on one thread and waited for on another.
class SharedText : public std::streambuf {
 public:
  // Waits (bounded) until the text contains `needle`; returns whether it does.
  bool wait_for(const std::string& needle, SteadyTime deadline) {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return text_.find(needle) != std::string::npos; });
  }
  [[nodiscard]] std::string text() const {
    const std::lock_guard lock(mutex_);
    return text_;
  }

 protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) {
      const char ch = traits_type::to_char_type(c);
      xsputn(&ch, 1);
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    {
      const std::lock_guard lock(mutex_);
      text_.append(s, static_cast<std::size_t>(n));
    }
    changed_.notify_all();
    return n;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string text_;
};

// One run_master on its own thread.
struct MasterRun {
  MasterConfig config;
  SharedText out_text;
  SharedText log_text;
  std::ostream out{&out_text};
  std::ostream log{&log_text};
  RunOutcome outcome;
  std::jthread thread;

  explicit MasterRun(std::int64_t clients) {
    config.clients = clients;
    config.port = 0;
    config.interval_ns = Nanoseconds{10'000'000};
    config.join_timeout_ns = test::kBound;
    config.quiet = false;
  }
  void start() {
    thread = std::jthread([this] { outcome = run_master(config, out, log); });
  }
  // the port it listens on, from its first line (0: it did not say within the bound)
  std::uint16_t port() {
    const std::string prefix = "berkeley_master: listening on 127.0.0.1:";
    if (!out_text.wait_for(" client(s)", bounded())) return 0;
    const std::string text = out_text.text();
    const std::size_t at = text.find(prefix);
    return at == std::string::npos ? 0 : static_cast<std::uint16_t>(std::stoi(text.substr(at + prefix.size())));
  }
  RunOutcome wait() {
    thread.join();
    return outcome;
  }
};

}  // namespace berkeley::tcp::test
