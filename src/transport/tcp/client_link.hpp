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

 private:
  IoDriver& io_;
  boost::asio::ip::tcp::socket socket_;
  LineDecoder decoder_;
  std::array<char, 512> buffer_{};
  std::string_view unread_;  // received, not yet decoded (points into buffer_)
};

}  // namespace berkeley::tcp
