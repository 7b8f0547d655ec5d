#pragma once
// The one event loop of a master or client process, and bounded waits on it: run handlers until a
// condition holds or a deadline passes. Between bursts of events it blocks in the reactor; within a burst
// it polls for at most 50 µs after the last event (an exchange's answer usually comes sooner).
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <functional>

#include "core/time.hpp"

namespace berkeley::tcp {

using SteadyTime = std::chrono::steady_clock::time_point;

class IoDriver {
 public:
  IoDriver();
  IoDriver(const IoDriver&) = delete;
  IoDriver& operator=(const IoDriver&) = delete;

  [[nodiscard]] boost::asio::io_context& context() { return io_; }

  // Runs handlers until done() is true (→ true), the deadline passes, the loop runs out of work, or a
  // watched signal arrived (→ false). done() is checked before every wait.
  bool run_until(SteadyTime deadline, const std::function<bool()>& done);
  // The same, but a signal that arrived before does not end it: for a last, bounded flush after an
  // interruption (the peers are told why before the sockets go). A new signal during it does.
  bool flush_until(SteadyTime deadline, const std::function<bool()>& done);
  // Runs handlers for this long (or until a watched signal), e.g. between rounds.
  void run_for(Nanoseconds duration);

  // From now on SIGINT and SIGTERM end every wait; interrupted_by() says which arrived (0: none).
  void watch_signals();
  [[nodiscard]] int interrupted_by() const { return signal_; }

 private:
  bool run(SteadyTime deadline, const std::function<bool()>& done, bool stop_on_signal);
  void wait_for_signal();

  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  int signal_ = 0;        // the last watched signal (0: none)
  int signals_seen_ = 0;  // how many arrived
};

[[nodiscard]] inline SteadyTime deadline_after(Nanoseconds duration) {
  return std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(duration);
}

}  // namespace berkeley::tcp
