#pragma once
// Helpers of the TCP tests: peers written by hand on raw POSIX sockets over 127.0.0.1 (a master or a client
// that says exactly what a test wants, or nothing), a master's Lobby on port 0, and the load clients on a
// thread. Every wait is bounded by a deadline (poll), so no test hangs on a peer that never answers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "clock/corrected_clock.hpp"
#include "clock/monotonic_clock.hpp"
#include "transport/tcp/client.hpp"
#include "transport/tcp/load_clients.hpp"
#include "transport/tcp/lobby.hpp"

namespace berkeley::tcp::test {

constexpr Nanoseconds kSecond{1'000'000'000};
// A bound on a wait, not a figure: what takes milliseconds on loopback, even on a loaded machine.
constexpr Nanoseconds kBound = 10 * kSecond;

inline SteadyTime bounded() { return deadline_after(kBound); }

inline sockaddr_in loopback_address(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// One end of a connection, read line by line.
class RawSocket {
 public:
  RawSocket() = default;
  explicit RawSocket(int fd) : fd_(fd) {}
  ~RawSocket() { close_now(); }
  RawSocket(RawSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)), pending_(std::move(other.pending_)) {}
  RawSocket& operator=(RawSocket&& other) noexcept {
    close_now();
    fd_ = std::exchange(other.fd_, -1);
    pending_ = std::move(other.pending_);
    return *this;
  }

  // A blocking connect to 127.0.0.1:port (immediate on loopback: the kernel completes it from the backlog).
  static RawSocket connect_to(std::uint16_t port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    const sockaddr_in address = loopback_address(port);
    if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd);
      return RawSocket{};
    }
    return RawSocket{fd};
  }

  [[nodiscard]] bool valid() const { return fd_ >= 0; }
  [[nodiscard]] int fd() const { return fd_; }

  bool send_text(std::string_view text) const {
    while (!text.empty()) {
      const ssize_t n = ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      text.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // The next line, without its '\n'; nothing at end of stream, on error, or once the deadline passed.
  // `serve`: called whenever nothing is there to read yet (e.g. runs the master's loop a moment, on this
  // thread), so a test can read what the loop it drives writes.
  std::optional<std::string> read_line(SteadyTime deadline, const std::function<void()>& serve = {}) {
    for (;;) {
      if (const std::size_t end = pending_.find('\n'); end != std::string::npos) {
        std::string line = pending_.substr(0, end);
        pending_.erase(0, end + 1);
        return line;
      }
      if (!read_some(deadline, serve)) return std::nullopt;
    }
  }

  // Everything that comes until the peer closes; `eof`: it did close (rather than the deadline passing).
  struct Rest {
    std::string text;
    bool eof = false;
  };
  Rest read_to_eof(SteadyTime deadline, const std::function<void()>& serve = {}) {
    Rest rest;
    while (read_some(deadline, serve)) {
    }
    rest.eof = eof_;
    rest.text = std::exchange(pending_, {});
    return rest;
  }

  // Hangs up with a reset (SO_LINGER 0): the peer's next read or write fails at once.
  void reset() {
    if (fd_ < 0) return;
    const linger hard{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    close_now();
  }
  void close_now() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  // false at end of stream, on error, or at the deadline
  bool read_some(SteadyTime deadline, const std::function<void()>& serve) {
    if (fd_ < 0 || eof_) return false;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      const int wait_ms = serve ? 0 : static_cast<int>(std::min<std::int64_t>(left.count(), 1000));
      const int ready = ::poll(&p, 1, wait_ms);
      if (ready < 0) return false;
      if (ready == 0) {
        if (serve) serve();
        continue;
      }
      char buffer[1024];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        eof_ = true;
        return false;
      }
      pending_.append(buffer, static_cast<std::size_t>(n));
      return true;
    }
  }

  int fd_ = -1;
  std::string pending_;
  bool eof_ = false;
};

// A socket bound to 127.0.0.1 on a port the system picked. Not listening yet, a connection to it is refused.
class RawListener {
 public:
  explicit RawListener(bool listening = true) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address = loopback_address(0);
    if (bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
      socklen_t size = sizeof address;
      getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
      port_ = ntohs(address.sin_port);
    }
    if (listening) start_listening();
  }
  ~RawListener() { ::close(fd_); }
  RawListener(const RawListener&) = delete;
  RawListener& operator=(const RawListener&) = delete;

  bool start_listening() { return ::listen(fd_, 64) == 0; }
  [[nodiscard]] std::uint16_t port() const { return port_; }

  // The next connection, or an invalid socket once the deadline passed.
  RawSocket accept_one(SteadyTime deadline) {
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return RawSocket{};
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 1000)));
      if (ready < 0) return RawSocket{};
      if (ready > 0) return RawSocket{::accept(fd_, nullptr, nullptr)};
    }
  }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

// Serves `io` until `done` holds (set by another thread, which does not wake the loop: looked at every 10 ms),
// bounded; returns done().
template <typename Done>
bool serve_until(IoDriver& io, const Done& done) {
  const SteadyTime deadline = bounded();
  while (!done() && std::chrono::steady_clock::now() < deadline) io.run_for(Nanoseconds{10'000'000});
  return done();
}

// A master's lobby on 127.0.0.1 port 0, its clock CLOCK_MONOTONIC itself (so a client's true offset is the
// offset its simulated clock was drawn with).
struct LobbyMaster {
  IoDriver io;
  MonotonicClock reference;
  CorrectedClock clock{reference};
  std::ostringstream log;
  Lobby lobby;

  explicit LobbyMaster(std::int64_t clients, Nanoseconds hello_timeout = kSecond, std::size_t max_pending = 64,
                       Lobby::JoinObserver on_join = nullptr)
      : lobby(io, clock, log, LobbyConfig{clients, hello_timeout, max_pending}) {
    listen_error = lobby.listen("127.0.0.1", 0);
    lobby.start_accepting(std::move(on_join));
  }
  // for RawSocket::read_line: runs the loop a moment on this thread
  std::function<void()> serving() {
    return [this] { io.run_for(Nanoseconds{1'000'000}); };
  }
  bool wait_full() {
    return io.run_until(bounded(), [this] { return lobby.full(); });
  }
  template <typename Done>
  bool serve_until(const Done& done) {
    return test::serve_until(io, done);
  }
  std::optional<std::string> listen_error;
};

inline constexpr std::uint64_t kLoadSeed = 5;

// The load clients (the same ClientSession as berkeley_client) on their own thread. A jthread: an ASSERT
// that returns early joins it (bounded by the clients' own limit) instead of std::terminate.
inline std::jthread start_load(std::uint16_t port, std::int64_t first_id, std::int64_t count, LoadOutcome& outcome,
                               Nanoseconds limit = kBound) {
  return std::jthread([=, &outcome] {
    LoadConfig config;
    config.port = port;
    config.first_id = first_id;
    config.count = count;
    config.clock.seed = kLoadSeed;
    outcome = run_load_clients(config, limit);
  });
}

// A socket that joins as `id` (HELLO, then `then`, unasked) and then says nothing more.
inline RawSocket silent_client(std::uint16_t port, std::int64_t id, const std::string& then = "") {
  RawSocket socket = RawSocket::connect_to(port);
  socket.send_text("HELLO BERKELEY/1 " + std::to_string(id) + "\n" + then);
  return socket;
}

// One run_client on its own thread (start(), or at once with start_now); its streams are read once it
// returned (wait(): joined, no race). Every wait of the client is bounded by kBound.
struct ClientRun {
  ClientConfig config;
  std::ostringstream out;
  std::ostringstream err;
  RunStatus status = RunStatus::ok;
  std::jthread thread;

  ClientRun(std::uint16_t port, std::int64_t id, ClockChoice clock = {}, bool start_now = true) {
    config.port = port;
    config.client_id = id;
    config.clock = clock;
    config.timeout_ns = kBound;
    config.idle_timeout_ns = kBound;
    if (start_now) start();
  }
  void start() {
    thread = std::jthread([this] { status = run_client(config, out, err); });
  }
  RunStatus wait() {
    if (thread.joinable()) thread.join();
    return status;
  }
};

}  // namespace berkeley::tcp::test
