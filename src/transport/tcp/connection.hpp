#pragma once
// One client connection on the master's side: owns the socket, the line decoder, the queue of lines to
// write and the messages read so far. Lines are parsed as they arrive; a peer that breaks the framing or
// the grammar is dropped at once with a logged reason. Knows nothing of rounds or members.
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "clock/clock.hpp"
#include "transport/tcp/line_decoder.hpp"
#include "transport/tcp/line_guard.hpp"
#include "transport/tcp/protocol.hpp"

namespace berkeley::tcp {

// A message and the master's clock when its bytes were read (the receive time of an exchange).
struct Inbound {
  ClientMessage message;
  ClockReading received_ns{};
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  enum class State {
    open,     // reading and writing
    closing,  // a last line is on its way; input is discarded until the peer closes or the grace ends
    closed,
  };
  // Called after new messages were queued in the inbox, and after every change of state.
  using Listener = std::function<void(Connection&)>;

  // Most messages a peer may have waiting unasked; one more and it is dropped (a flood is a fault).
  static constexpr std::size_t kMaxInbox = 8;

  Connection(boost::asio::ip::tcp::socket socket, const Clock& stamp_clock, std::ostream& log);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start(Listener listener);
  // No more calls to the listener (its owner is going away).
  void stop_listening() { listener_ = nullptr; }

  // "127.0.0.1:40000"; the label names the peer in log lines ("client 3 (127.0.0.1:40000)")
  [[nodiscard]] const std::string& peer() const { return peer_; }
  // the peer's address alone ("10.77.0.2"): which host it is, whatever port it came from
  [[nodiscard]] const std::string& peer_address() const { return peer_address_; }
  [[nodiscard]] bool peer_is_loopback() const { return loopback_; }
  [[nodiscard]] const std::string& label() const { return label_; }
  void set_label(std::string label) { label_ = std::move(label); }

  void send(std::string line);
  // From now on every line out is sealed and every line in must verify (a keyed session, after the
  // CHALLENGE's nonce was chosen); a line that does not fails the connection ("authentication failed: ...").
  void seal_from_now(const SharedKey& key, const SessionNonce& session);
  [[nodiscard]] bool sealed() const { return guard_.active(); }
  // Writes a last line (BYE, REFUSED), then closes: waits for the peer to hang up, at most `grace`.
  // `reason` is the close_reason() from now on (listeners see it at once).
  void finish(std::string last_line, Nanoseconds grace, std::string reason = "closed by the master");
  // The peer broke the protocol: logs the reason, tells the peer ERROR <reason>, closes.
  void fail(const std::string& reason);
  // Drops the connection now, without a word (the master is going away, the peer gave up).
  void close_now(const std::string& reason);

  // If not disarmed within `limit`, the connection fails with `reason` (e.g. no HELLO in time).
  void arm_watchdog(Nanoseconds limit, std::string reason);
  void disarm_watchdog();

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool open() const { return state_ == State::open; }
  [[nodiscard]] const std::string& close_reason() const { return close_reason_; }
  [[nodiscard]] std::deque<Inbound>& inbox() { return inbox_; }
  // lines sent but not yet all written to the socket
  [[nodiscard]] bool writing() const { return !outbox_.empty(); }

 private:
  void read_more();
  void on_read(const boost::system::error_code& error, std::size_t bytes);
  bool take_lines(std::string_view bytes, ClockReading stamp);
  void write_next();
  void notify();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer watchdog_;
  boost::asio::steady_timer grace_;
  const Clock& stamp_clock_;
  std::ostream& log_;
  Listener listener_;
  std::string peer_;
  std::string peer_address_;
  std::string label_;
  bool loopback_ = false;
  State state_ = State::open;
  std::string close_reason_;
  LineDecoder decoder_;
  LineGuard guard_;
  std::array<char, 512> read_buffer_{};
  std::deque<Inbound> inbox_;
  std::deque<std::string> outbox_;  // its front is being written
};

}  // namespace berkeley::tcp
