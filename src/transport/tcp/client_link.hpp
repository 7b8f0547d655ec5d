#pragma once
// The client's one connection to the master, with a deadline on every operation: connect (retrying
// while nobody listens yet), send a line, receive the next message. Uses the same LineDecoder and
// codec as the master, so a master that breaks the protocol is caught the same way.
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "transport/tcp/io_driver.hpp"
#include "transport/tcp/line_decoder.hpp"
#include "transport/tcp/line_guard.hpp"
#include "transport/tcp/protocol.hpp"

namespace berkeley::tcp {

struct Received {
  enum class Kind { message, timeout, closed, bad };
  Kind kind = Kind::timeout;
  std::optional<MasterMessage> message;
  std::string reason;  // closed / bad: why
};

class ClientLink {
 public:
  explicit ClientLink(IoDriver& io);

  // Resolves host and connects; a refused connection is retried every 50 ms until the deadline.
  // Returns why not, or nothing once connected.
  [[nodiscard]] std::optional<std::string> connect(const std::string& host, std::uint16_t port, SteadyTime deadline);
  // Returns why not, or nothing once the whole line is written.
  [[nodiscard]] std::optional<std::string> send(const std::string& line, SteadyTime deadline);
  [[nodiscard]] Received receive(SteadyTime deadline);
  void close();
  // A keyed session (BERKELEY/2): the master's first line must be a CHALLENGE sealed with the key over our
  // nonce and its own (an unsealed REFUSED or ERROR is still taken: the master turned us away); from then on
  // every line is sealed both ways, and one that does not verify is a bad line ("authentication failed").
  void expect_keyed_session(const SharedKey& key, const Nonce& own_nonce);

 private:
  IoDriver& io_;
  boost::asio::ip::tcp::socket socket_;
  [[nodiscard]] Received take_line(std::string_view line);

  LineDecoder decoder_;
  LineGuard guard_;
  std::optional<SharedKey> key_;  // keyed, until the CHALLENGE started the guard
  Nonce own_nonce_{};
  std::array<char, 512> buffer_{};
  std::string_view unread_;  // received, not yet decoded (points into buffer_)
};

}  // namespace berkeley::tcp
