#pragma once
// How an address and port are written in messages and log lines: "127.0.0.1:40000", "[::1]:40000".
#include <boost/asio/ip/tcp.hpp>
#include <string>

namespace berkeley::tcp {

[[nodiscard]] inline std::string host_port_text(const boost::asio::ip::tcp::endpoint& endpoint) {
  const std::string host = endpoint.address().to_string();
  return (endpoint.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(endpoint.port());
}

}  // namespace berkeley::tcp
