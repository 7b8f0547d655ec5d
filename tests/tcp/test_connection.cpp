// Connection (transport/tcp/connection): one client connection on the master's side, over a real loopback
// socket in this process. The peer is a raw socket the test writes and reads by hand; the stamp clock is set
// by hand, so a message's receive time is a known value.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/manual_clock.hpp"
#include "tcp/loopback_support.hpp"
#include "transport/tcp/connection.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {
namespace {

namespace asio = boost::asio;
using test::bounded;
using test::kSecond;
using test::RawSocket;

// A connection the master accepted, and the raw socket at its other end.
struct Accepted {
  IoDriver io;
  testing_support::ManualClock clock;
  std::ostringstream log;
  asio::ip::tcp::acceptor acceptor{io.context(), asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  RawSocket peer = RawSocket::connect_to(acceptor.local_endpoint().port());
  std::shared_ptr<Connection> connection = std::make_shared<Connection>(acceptor.accept(), clock, log);
  int notified = 0;

  void start() {
    connection->start([this](Connection&) { ++notified; });
  }
  bool wait(const std::function<bool()>& done) { return io.run_until(bounded(), done); }
  bool wait_state(Connection::State state) {
    return wait([&] { return connection->state() == state; });
  }
  // the port of the peer's end, as the master sees it
  [[nodiscard]] std::uint16_t peer_port() const {
    sockaddr_in address{};
    socklen_t size = sizeof address;
    getsockname(peer.fd(), reinterpret_cast<sockaddr*>(&address), &size);
    return ntohs(address.sin_port);
  }
};

TEST(Connection, NamesItsPeerByAddressAndPort) {
  Accepted a;
  ASSERT_TRUE(a.peer.valid());
  const std::string where = "127.0.0.1:" + std::to_string(a.peer_port());
  EXPECT_EQ(a.connection->peer(), where);
  EXPECT_EQ(a.connection->peer_address(), "127.0.0.1");
  EXPECT_TRUE(a.connection->peer_is_loopback());
  EXPECT_EQ(a.connection->label(), "connection from " + where);
  a.connection->set_label("client 3 (" + where + ")");
  EXPECT_EQ(a.connection->label(), "client 3 (" + where + ")");
  EXPECT_TRUE(a.connection->open());
}

// The receive time of an exchange is the stamp clock when the bytes came in: every message of one read
// carries it, and a later read carries the clock's value then.
TEST(Connection, ParsesEveryLineAndStampsItWithTheClockWhenItsBytesCameIn) {
  Accepted a;
  a.clock.set(at_ns(12'345));
  a.start();
  ASSERT_TRUE(a.peer.send_text("HELLO BERKELEY/1 4 boot-a\nTIME 7 -99\n"));
  ASSERT_TRUE(a.wait([&] { return a.connection->inbox().size() == 2; }));
  EXPECT_GE(a.notified, 1);
  const Inbound hello = a.connection->inbox()[0];
  const Inbound time = a.connection->inbox()[1];
  ASSERT_TRUE(std::holds_alternative<Hello>(hello.message));
  EXPECT_EQ(std::get<Hello>(hello.message).client_id, 4);
  EXPECT_EQ(std::get<Hello>(hello.message).clock_domain, std::optional<std::string>("boot-a"));
  ASSERT_TRUE(std::holds_alternative<TimeReply>(time.message));
  EXPECT_EQ(std::get<TimeReply>(time.message).seq, 7);
  EXPECT_EQ(std::get<TimeReply>(time.message).clock_ns, at_ns(-99));
  EXPECT_EQ(hello.received_ns, at_ns(12'345));
  EXPECT_EQ(time.received_ns, at_ns(12'345));

  a.connection->inbox().clear();
  a.clock.set(at_ns(777));
  ASSERT_TRUE(a.peer.send_text("READING 5 10 20 3\n"));
  ASSERT_TRUE(a.wait([&] { return a.connection->inbox().size() == 1; }));
  const Inbound reading = a.connection->inbox().front();
  ASSERT_TRUE(std::holds_alternative<Reading>(reading.message));
  EXPECT_EQ(std::get<Reading>(reading.message).instant_ns, 5);
  EXPECT_EQ(std::get<Reading>(reading.message).corrected_ns, at_ns(20));
  EXPECT_EQ(reading.received_ns, at_ns(777));
  EXPECT_TRUE(a.connection->open());
}

// Up to kMaxInbox unasked messages wait; one more is a flood, and the peer is dropped with the reason.
TEST(Connection, OneMessageMoreThanTheInboxHoldsIsAFault) {
  Accepted a;
  a.start();
  std::string lines;
  for (std::size_t i = 1; i <= Connection::kMaxInbox; ++i) lines += "TIME " + std::to_string(i) + " 1\n";
  ASSERT_TRUE(a.peer.send_text(lines));
  ASSERT_TRUE(a.wait([&] { return a.connection->inbox().size() == Connection::kMaxInbox; }));
  EXPECT_TRUE(a.connection->open());
  ASSERT_TRUE(a.peer.send_text("TIME 99 1\n"));
  ASSERT_TRUE(a.wait([&] { return !a.connection->open(); }));
  const std::string reason = "sent more than 8 messages nobody asked for";
  EXPECT_EQ(a.connection->close_reason(), "dropped: " + reason);
  EXPECT_TRUE(a.connection->inbox().empty());  // what a dropped peer sent is not used
  EXPECT_EQ(a.peer.read_line(bounded()), "ERROR " + reason);
}

// A line the grammar rejects, or one longer than the protocol allows: dropped, and told why in the codec's
// or the decoder's own words.
TEST(Connection, ABadLineIsAFaultAndThePeerIsToldWhy) {
  const std::string too_long = "TIME 1 " + std::string(kMaxLineBytes, '1') + "\n";
  for (const std::string& line : {std::string("POLL 1\n"), std::string("TIME 1 01\n"), too_long}) {
    Accepted a;
    a.start();
    ASSERT_TRUE(a.peer.send_text(line));
    ASSERT_TRUE(a.wait([&] { return !a.connection->open(); })) << line;
    const std::string expected =
        line == too_long ? "line longer than 256 bytes" : parse_client_message(line.substr(0, line.size() - 1)).error;
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(a.connection->close_reason(), "dropped: " + expected);
    EXPECT_NE(a.log.str().find("dropped: " + expected), std::string::npos) << a.log.str();
    const RawSocket::Rest rest = a.peer.read_to_eof(bounded());
    EXPECT_TRUE(rest.eof);
    EXPECT_EQ(rest.text, "ERROR " + expected + "\n");
  }
}

// A peer dropped for a fault: every listener call from then on sees why (not a generic "closed by the
// master"), and the peer is told ERROR <reason> before its connection closes.
TEST(Connection, ListenersSeeTheReasonAPeerWasDroppedFor) {
  Accepted a;
  std::vector<std::string> seen;  // close_reason() at every call after the connection stopped being open
  a.connection->start([&seen](Connection& c) {
    if (!c.open()) seen.push_back(c.close_reason());
  });
  a.connection->fail("test fault");
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(a.connection->state(), Connection::State::closing);
  // the peer never hangs up: the connection closes when its grace ends (250 ms; the bound is a bound on the
  // wait, not a figure, and an ASSERT so that the read below does not wait for nothing)
  ASSERT_TRUE(a.wait_state(Connection::State::closed));
  EXPECT_GE(seen.size(), 2U);
  for (const std::string& reason : seen) EXPECT_EQ(reason, "dropped: test fault");
  EXPECT_NE(a.log.str().find("dropped: test fault"), std::string::npos) << a.log.str();
  const RawSocket::Rest rest = a.peer.read_to_eof(bounded());
  EXPECT_TRUE(rest.eof);
  EXPECT_EQ(rest.text, "ERROR test fault\n");
}

// finish(): the lines queued before it, then the last line, then end of stream; the connection closes when
// the peer hangs up (long before a grace of a minute), keeping the reason it was finished with.
TEST(Connection, FinishWritesTheLastLineThenClosesWhenThePeerHangsUp) {
  Accepted a;
  a.start();
  for (int seq = 1; seq <= 50; ++seq) a.connection->send("POLL " + std::to_string(seq) + "\n");
  a.connection->finish("BYE done\n", 60 * kSecond, "session over");
  EXPECT_EQ(a.connection->state(), Connection::State::closing);
  EXPECT_EQ(a.connection->close_reason(), "session over");
  a.connection->send("POLL 51\n");  // not open any more: ignored
  std::string expected;
  for (int seq = 1; seq <= 50; ++seq) expected += "POLL " + std::to_string(seq) + "\n";
  expected += "BYE done\n";
  // read on another thread while the master's loop runs: the writes need the loop, the reads are bounded
  RawSocket::Rest rest;
  std::atomic<bool> read{false};
  std::jthread reader([&] {
    rest = a.peer.read_to_eof(bounded());
    read = true;
  });
  ASSERT_TRUE(test::serve_until(a.io, [&] { return read.load(); }));
  reader.join();
  EXPECT_TRUE(rest.eof);
  EXPECT_EQ(rest.text, expected);
  a.peer.close_now();
  ASSERT_TRUE(a.wait_state(Connection::State::closed));
  EXPECT_EQ(a.connection->close_reason(), "session over");
}

// While closing, whatever the peer still sends is discarded: finish() empties the inbox, nothing new enters.
TEST(Connection, InputWhileClosingIsDiscarded) {
  Accepted a;
  a.start();
  ASSERT_TRUE(a.peer.send_text("TIME 1 5\n"));
  ASSERT_TRUE(a.wait([&] { return a.connection->inbox().size() == 1; }));
  a.connection->finish("BYE\n", 60 * kSecond);
  EXPECT_TRUE(a.connection->inbox().empty());
  EXPECT_EQ(a.connection->close_reason(), "closed by the master");
  ASSERT_TRUE(a.peer.send_text("TIME 2 5\nnot even a message\n"));
  a.peer.close_now();  // after those lines: once the connection saw the end, it has read them too
  ASSERT_TRUE(a.wait_state(Connection::State::closed));
  EXPECT_TRUE(a.connection->inbox().empty());
  EXPECT_EQ(a.connection->close_reason(), "closed by the master");
  EXPECT_EQ(a.log.str().find("dropped"), std::string::npos) << a.log.str();
}

TEST(Connection, APeerThatHangsUpIsClosedAsDisconnected) {
  Accepted a;
  a.start();
  a.peer.close_now();
  ASSERT_TRUE(a.wait_state(Connection::State::closed));
  EXPECT_EQ(a.connection->close_reason(), "disconnected");
  EXPECT_NE(a.log.str().find(a.connection->label() + ": disconnected"), std::string::npos) << a.log.str();
  EXPECT_GE(a.notified, 1);
}

TEST(Connection, CloseNowSaysNothingAndSendAfterwardsIsIgnored) {
  Accepted a;
  a.start();
  a.connection->close_now("master exiting");
  EXPECT_EQ(a.connection->state(), Connection::State::closed);
  EXPECT_EQ(a.connection->close_reason(), "master exiting");
  EXPECT_EQ(a.notified, 1);
  a.connection->send("POLL 1\n");
  a.connection->fail("too late");  // neither: the connection is closed
  a.connection->close_now("again");
  EXPECT_EQ(a.connection->close_reason(), "master exiting");
  EXPECT_EQ(a.notified, 1);
  const RawSocket::Rest rest = a.peer.read_to_eof(bounded());
  EXPECT_TRUE(rest.eof);
  EXPECT_EQ(rest.text, "");
}

TEST(Connection, NoListenerCallsAfterStopListening) {
  Accepted a;
  a.start();
  a.connection->stop_listening();
  a.connection->close_now("owner gone");
  EXPECT_EQ(a.notified, 0);
}

TEST(Connection, AWatchdogNotDisarmedInTimeFailsTheConnection) {
  Accepted a;
  a.start();
  a.connection->arm_watchdog(Nanoseconds{20'000'000}, "no HELLO within 20 ms");
  ASSERT_TRUE(a.wait([&] { return !a.connection->open(); }));
  EXPECT_EQ(a.connection->close_reason(), "dropped: no HELLO within 20 ms");
  EXPECT_EQ(a.peer.read_line(bounded()), "ERROR no HELLO within 20 ms");
}

// Disarmed, it never fires: the connection is still open well after the limit (this can fail only if the
// watchdog fires anyway; a slow machine only makes the window shorter in effect, never a false failure).
TEST(Connection, ADisarmedWatchdogNeverFires) {
  Accepted a;
  a.start();
  a.connection->arm_watchdog(Nanoseconds{20'000'000}, "no HELLO in time");
  a.connection->disarm_watchdog();
  a.io.run_for(Nanoseconds{200'000'000});
  EXPECT_TRUE(a.connection->open());
  EXPECT_TRUE(a.log.str().empty()) << a.log.str();
}

}  // namespace
}  // namespace berkeley::tcp
