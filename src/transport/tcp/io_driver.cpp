#include "transport/tcp/io_driver.hpp"

#include <csignal>
#include <thread>

namespace berkeley::tcp {

IoDriver::IoDriver() : io_(1), signals_(io_) {}

bool IoDriver::run_until(SteadyTime deadline, const std::function<bool()>& done) {
  for (;;) {
    if (done()) return true;
    if (signal_ != 0) return false;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // a loop that ran out of work earlier stops itself; new work may have been queued since
    if (io_.stopped()) io_.restart();
    // blocks until one handler ran or the deadline passed; 0 with stopped(): nothing left that could run
    if (io_.run_one_until(deadline) == 0 && io_.stopped()) {
      io_.restart();
      return done();
    }
  }
}

void IoDriver::run_for(Nanoseconds duration) {
  const SteadyTime deadline = deadline_after(duration);
  run_until(deadline, [] { return false; });
  // out of work early (nothing to serve meanwhile): still keep the pause
  if (signal_ == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_until(deadline);
}

void IoDriver::watch_signals() {
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.async_wait([this](const boost::system::error_code& error, int signal_number) {
    if (!error) signal_ = signal_number;
  });
}

}  // namespace berkeley::tcp
