// host_port_text (transport/tcp/endpoint_text.hpp): how an address and port appear in messages and logs.
#include <gtest/gtest.h>

#include "transport/tcp/endpoint_text.hpp"

namespace berkeley::tcp {
namespace {

namespace asio = boost::asio;

std::string text(const char* address, std::uint16_t port) {
  return host_port_text(asio::ip::tcp::endpoint(asio::ip::make_address(address), port));
}

TEST(EndpointText, Ipv4IsAddressColonPort) {
  EXPECT_EQ(text("127.0.0.1", 40000), "127.0.0.1:40000");
  EXPECT_EQ(text("10.77.0.2", 0), "10.77.0.2:0");
  EXPECT_EQ(text("255.255.255.255", 65535), "255.255.255.255:65535");
}

// An IPv6 address has colons of its own: it is bracketed, so the port stays unambiguous.
TEST(EndpointText, Ipv6IsBracketed) {
  EXPECT_EQ(text("::1", 40000), "[::1]:40000");
  EXPECT_EQ(text("fe80::1", 7), "[fe80::1]:7");
  EXPECT_EQ(text("::ffff:10.0.0.1", 17117), "[::ffff:10.0.0.1]:17117");
}

}  // namespace
}  // namespace berkeley::tcp
