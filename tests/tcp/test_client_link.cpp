// ClientLink (transport/tcp/client_link): the client's one connection to the master, every operation with a
// deadline. The master is a raw socket on 127.0.0.1 that the test writes and reads by hand, on this thread:
// the kernel completes a loopback connect from the listen backlog and buffers what either side writes.
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <string>

#include "tcp/loopback_support.hpp"
#include "transport/tcp/client_link.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {
namespace {

using test::bounded;
using test::RawListener;
using test::RawSocket;

constexpr Nanoseconds kShort{50'000'000};

// A link connected to a raw master.
struct Linked {
  IoDriver io;
  ClientLink link{io};
  RawListener listener;
  RawSocket master;

  Linked() {
    EXPECT_EQ(link.connect("127.0.0.1", listener.port(), bounded()), std::nullopt);
    master = listener.accept_one(bounded());
    EXPECT_TRUE(master.valid());
  }
};

TEST(ClientLink, SendsWholeLinesAndReceivesEveryMessageInOrder) {
  Linked l;
  EXPECT_EQ(l.link.send("HELLO BERKELEY/1 3 boot-a\n", bounded()), std::nullopt);
  EXPECT_EQ(l.master.read_line(bounded()), "HELLO BERKELEY/1 3 boot-a");
  // more than one read's worth (512 bytes): lines cut anywhere by the reads still come out whole, in order
  std::string lines = "WELCOME BERKELEY/1 3 2\n";
  for (int seq = 1; seq <= 100; ++seq) lines += "POLL " + std::to_string(seq) + "\n";
  lines += "ADJUST 1 -42\nBYE done\n";
  ASSERT_TRUE(l.master.send_text(lines));
  Received got = l.link.receive(bounded());
  ASSERT_EQ(got.kind, Received::Kind::message) << got.reason;
  ASSERT_TRUE(std::holds_alternative<Welcome>(*got.message));
  EXPECT_EQ(std::get<Welcome>(*got.message).client_id, 3);
  EXPECT_EQ(std::get<Welcome>(*got.message).clients, 2);
  for (int seq = 1; seq <= 100; ++seq) {
    got = l.link.receive(bounded());
    ASSERT_EQ(got.kind, Received::Kind::message) << got.reason;
    ASSERT_TRUE(std::holds_alternative<Poll>(*got.message));
    EXPECT_EQ(std::get<Poll>(*got.message).seq, seq);
  }
  got = l.link.receive(bounded());
  ASSERT_EQ(got.kind, Received::Kind::message);
  ASSERT_TRUE(std::holds_alternative<Adjust>(*got.message));
  EXPECT_EQ(std::get<Adjust>(*got.message).delta_ns, Nanoseconds{-42});  // the sign is kept
  got = l.link.receive(bounded());
  ASSERT_EQ(got.kind, Received::Kind::message);
  ASSERT_TRUE(std::holds_alternative<Bye>(*got.message));
  EXPECT_EQ(std::get<Bye>(*got.message).reason, "done");
}

// Nothing within the deadline: a timeout, and the link is closed (the master sees it hang up).
TEST(ClientLink, ASilentMasterIsATimeoutAndTheLinkCloses) {
  Linked l;
  const Received got = l.link.receive(deadline_after(kShort));
  EXPECT_EQ(got.kind, Received::Kind::timeout);
  EXPECT_FALSE(got.message.has_value());
  const RawSocket::Rest rest = l.master.read_to_eof(bounded());
  EXPECT_TRUE(rest.eof);
  EXPECT_EQ(rest.text, "");
}

TEST(ClientLink, AMasterThatHangsUpOrResetsIsClosed) {
  for (const bool reset : {false, true}) {
    Linked l;
    if (reset) {
      l.master.reset();
    } else {
      ASSERT_TRUE(l.master.send_text("POLL 1\n"));
      l.master.close_now();
      // what was sent before an orderly close is still read
      const Received first = l.link.receive(bounded());
      ASSERT_EQ(first.kind, Received::Kind::message) << first.reason;
    }
    const Received got = l.link.receive(bounded());
    EXPECT_EQ(got.kind, Received::Kind::closed) << "reset " << reset;
    EXPECT_EQ(got.reason, "the master closed the connection");
  }
}

// A master that breaks the framing or the grammar: bad, with the decoder's or the codec's reason.
TEST(ClientLink, ABadLineFromTheMasterIsBadWithTheReason) {
  {
    Linked l;
    ASSERT_TRUE(l.master.send_text(std::string(300, 'A') + "\n"));
    const Received got = l.link.receive(bounded());
    EXPECT_EQ(got.kind, Received::Kind::bad);
    EXPECT_EQ(got.reason, "line longer than 256 bytes");
  }
  {
    Linked l;
    ASSERT_TRUE(l.master.send_text("HELLO BERKELEY/1 1\n"));  // a client's command
    const Received got = l.link.receive(bounded());
    EXPECT_EQ(got.kind, Received::Kind::bad);
    const std::string expected = parse_master_message("HELLO BERKELEY/1 1").error;
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(got.reason, expected);
  }
}

// Bound but not listening: every attempt is refused, retried until the deadline, then said so.
TEST(ClientLink, NobodyListeningIsRetriedUntilTheDeadlineThenReported) {
  const RawListener not_listening(false);
  IoDriver io;
  ClientLink link(io);
  const SteadyTime deadline = deadline_after(Nanoseconds{300'000'000});
  const std::optional<std::string> problem = link.connect("127.0.0.1", not_listening.port(), deadline);
  EXPECT_EQ(problem,
            "no master at 127.0.0.1:" + std::to_string(not_listening.port()) + " (last error: Connection refused)");
  // gave up only because the deadline was (about to be) reached: the last retry would have passed it
  EXPECT_GE(std::chrono::steady_clock::now() + std::chrono::milliseconds(50), deadline);
}

// A master that starts listening after the client began: the client keeps trying and gets in.
TEST(ClientLink, AMasterThatStartsLateIsStillReached) {
  RawListener late(false);
  IoDriver io;
  ClientLink link(io);
  boost::asio::steady_timer start(io.context(), std::chrono::milliseconds(120));
  start.async_wait([&late](const boost::system::error_code& error) {
    if (!error) late.start_listening();
  });
  EXPECT_EQ(link.connect("127.0.0.1", late.port(), bounded()), std::nullopt);
  EXPECT_TRUE(late.accept_one(bounded()).valid());
}

TEST(ClientLink, AHostThatDoesNotResolveIsNamed) {
  IoDriver io;
  ClientLink link(io);
  // .invalid never resolves (RFC 6761); bounded in case a resolver is slow to say so
  const std::optional<std::string> problem = link.connect("no-such-host.invalid", 1, bounded());
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->rfind("cannot resolve 'no-such-host.invalid'", 0), 0U) << *problem;
}

TEST(ClientLink, SendingToAMasterThatResetIsAnError) {
  Linked l;
  l.master.reset();
  std::optional<std::string> problem;
  for (int i = 0; i < 100 && !problem; ++i) problem = l.link.send("TIME 1 1\n", bounded());
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->rfind("send failed: ", 0), 0U) << *problem;
}

}  // namespace
}  // namespace berkeley::tcp
