// Keyed sessions (BERKELEY/2, docs/security.md) end to end in one process: run_master with a key on a thread,
// clients on threads (run_client) or played by hand on raw sockets with the key. What must hold: keyed clients
// synchronize; a client without the key or with a wrong one is refused and adjusts nothing; a master without
// the key adjusts no keyed client; a replayed, altered or injected line ends that client's session, logged,
// while the group goes on.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "clock/monotonic_clock.hpp"
#include "tcp/loopback_support.hpp"
#include "tcp/master_run.hpp"
#include "transport/tcp/auth_framing.hpp"
#include "transport/tcp/client.hpp"
#include "transport/tcp/line_guard.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {
namespace {

using test::bounded;
using test::ClientRun;
using test::MasterRun;
using test::RawSocket;

const SharedKey kKey = SharedKey::from_material("the group's key: 32 bytes or more of secret");
const SharedKey kWrongKey = SharedKey::from_material("not the group's key, just as long as it is");

// a client run (not started) with or without a key
std::unique_ptr<ClientRun> client(std::uint16_t port, std::int64_t id, const std::optional<SharedKey>& key) {
  auto run = std::make_unique<ClientRun>(port, id, ClockChoice{}, false);
  run->config.key = key;
  run->start();
  return run;
}

// A client with the key, played by hand: HELLO with its nonce, the CHALLENGE verified, JOIN sealed, WELCOME.
class KeyedHand {
 public:
  KeyedHand(std::uint16_t port, std::int64_t id, const SharedKey& key) : socket_(RawSocket::connect_to(port)) {
    const Nonce own = random_nonce();
    socket_.send_text(format_line(Hello{id, std::nullopt, own}));
    const std::optional<std::string> challenge_line = socket_.read_line(bounded());
    if (!challenge_line) return;
    const std::optional<std::string_view> body = unverified_body(*challenge_line);
    const ParseResult<MasterMessage> challenge = body ? parse_master_message(*body) : ParseResult<MasterMessage>{};
    if (!challenge || !std::holds_alternative<Challenge>(*challenge.message)) return;
    session_ = SessionNonce{own, std::get<Challenge>(*challenge.message).nonce};
    guard_.start(key, session_, Direction::client_to_master);
    if (!guard_.incoming(*challenge_line).body) return;
    send("JOIN");
    welcomed_ = read() == "WELCOME BERKELEY/2 " + std::to_string(id) + " 2";
  }
  [[nodiscard]] bool welcomed() const { return welcomed_; }
  [[nodiscard]] const SessionNonce& session() const { return session_; }
  // the next line's body, verified (nullopt: none, or it did not verify)
  std::optional<std::string> read() {
    const std::optional<std::string> line = socket_.read_line(bounded());
    if (!line) return std::nullopt;
    LineOpener::Opened opened = guard_.incoming(*line);
    return opened.body;
  }
  // the sealed line for `body`, "\n" included, as it would go out (it takes the next sequence number)
  std::string sealed(std::string_view body) { return guard_.outgoing(std::string(body) + "\n"); }
  void send(std::string_view body) { socket_.send_text(sealed(body)); }
  void send_raw(const std::string& line) { socket_.send_text(line); }
  // waits (bounded) for the master to close; the lines it sent meanwhile are dropped
  bool closed_by_master() { return socket_.read_to_eof(bounded()).eof; }

 private:
  RawSocket socket_;
  SessionNonce session_{};
  LineGuard guard_;
  bool welcomed_ = false;
};

TEST(KeyedSessions, KeyedClientsSynchronize) {
  MasterRun master(2);
  master.config.key = kKey;
  master.start();
  const std::uint16_t port = master.port();
  ASSERT_NE(port, 0);
  const auto one = client(port, 1, kKey);
  const auto two = client(port, 2, kKey);
  EXPECT_EQ(one->wait(), RunStatus::ok) << one->err.str();
  EXPECT_EQ(two->wait(), RunStatus::ok) << two->err.str();
  EXPECT_EQ(master.wait().status, RunStatus::ok) << master.log_text.text();
  for (const auto* c : {one.get(), two.get()}) {
    EXPECT_NE(c->out.str().find(": 1 adjustment(s)"), std::string::npos) << c->out.str();
  }
  EXPECT_EQ(master.log_text.text().find("authentication"), std::string::npos) << master.log_text.text();
}

// A client without a key is refused at its HELLO, logged, and adjusts nothing; the group is formed without it.
TEST(KeyedSessions, AClientWithoutTheKeyIsRefusedAtHelloAndTheGroupGoesOn) {
  MasterRun master(1);
  master.config.key = kKey;
  master.start();
  const std::uint16_t port = master.port();
  ASSERT_NE(port, 0);
  const auto keyless = client(port, 7, std::nullopt);
  EXPECT_EQ(keyless->wait(), RunStatus::refused);
  EXPECT_NE(keyless->err.str().find("master refused us: this master requires BERKELEY/2"), std::string::npos)
      << keyless->err.str();
  EXPECT_EQ(keyless->out.str().find("adjust"), std::string::npos) << keyless->out.str();
  const auto keyed = client(port, 1, kKey);
  EXPECT_EQ(keyed->wait(), RunStatus::ok) << keyed->err.str();
  EXPECT_EQ(master.wait().status, RunStatus::ok);
  EXPECT_NE(master.log_text.text().find("(client 7): refused: this master requires BERKELEY/2"), std::string::npos)
      << master.log_text.text();
}

// A client with a wrong key cannot verify the master's CHALLENGE: it gives up, adjusts nothing; the master
// logs the failed authentication; the group is formed without it.
TEST(KeyedSessions, AClientWithAWrongKeyIsRefusedAndAdjustsNothing) {
  MasterRun master(1);
  master.config.key = kKey;
  master.start();
  const std::uint16_t port = master.port();
  ASSERT_NE(port, 0);
  const auto wrong = client(port, 7, kWrongKey);
  EXPECT_EQ(wrong->wait(), RunStatus::network_error);
  EXPECT_NE(wrong->err.str().find("authentication failed: bad MAC"), std::string::npos) << wrong->err.str();
  EXPECT_EQ(wrong->out.str().find("adjust"), std::string::npos) << wrong->out.str();
  const auto keyed = client(port, 1, kKey);
  EXPECT_EQ(keyed->wait(), RunStatus::ok) << keyed->err.str();
  EXPECT_EQ(master.wait().status, RunStatus::ok);
  EXPECT_NE(master.log_text.text().find("(client 7): dropped: authentication failed: bad MAC"), std::string::npos)
      << master.log_text.text();
}

// A keyed client never lets a master without its key adjust it: a keyless master refuses it, a master with
// another key fails its CHALLENGE.
TEST(KeyedSessions, AMasterWithoutTheKeyAdjustsNoKeyedClient) {
  {
    MasterRun keyless(1);
    keyless.config.join_timeout_ns = Nanoseconds{1'000'000'000};
    keyless.start();
    const std::uint16_t port = keyless.port();
    ASSERT_NE(port, 0);
    const auto keyed = client(port, 1, kKey);
    EXPECT_EQ(keyed->wait(), RunStatus::refused);
    EXPECT_NE(keyed->err.str().find("this master has no key"), std::string::npos) << keyed->err.str();
    EXPECT_EQ(keyed->out.str().find("adjust"), std::string::npos);
    (void)keyless.wait();
  }
  MasterRun other(1);
  other.config.key = kWrongKey;
  other.config.join_timeout_ns = Nanoseconds{1'000'000'000};
  other.start();
  const std::uint16_t port = other.port();
  ASSERT_NE(port, 0);
  const auto keyed = client(port, 1, kKey);
  EXPECT_EQ(keyed->wait(), RunStatus::network_error);
  EXPECT_NE(keyed->err.str().find("authentication failed: bad MAC"), std::string::npos) << keyed->err.str();
  EXPECT_EQ(keyed->out.str().find("adjust"), std::string::npos);
  (void)other.wait();
}

// A joined client with the key that then sends a replayed, an altered or an injected line: the master drops
// it at that line, logged with the reason, leaves it out of the round; the honest client is synchronized.
class BadLine : public ::testing::TestWithParam<std::string> {};

TEST_P(BadLine, EndsThatClientsSessionAndTheGroupGoesOn) {
  MasterRun master(2);
  master.config.key = kKey;
  master.config.timeout_ns =
      test::kBound;  // the honest client is never left out for being slow; the liar is dropped at once
  master.start();
  const std::uint16_t port = master.port();
  ASSERT_NE(port, 0);
  KeyedHand hand(port, 2, kKey);
  ASSERT_TRUE(hand.welcomed());
  const auto honest = client(port, 1, kKey);
  // the first POLL to the hand (the master polls every client in each round)
  std::optional<std::string> poll;
  while ((poll = hand.read()) && poll->rfind("POLL ", 0) != 0) {
  }
  ASSERT_TRUE(poll.has_value());
  const std::string seq = poll->substr(5);
  const std::string answer = "TIME " + seq + " " + std::to_string(reading_ns(MonotonicClock{}.now()));
  std::string expected;
  if (GetParam() == "replayed") {
    const std::string first = hand.sealed(answer);
    hand.send_raw(first + first);  // the same sealed line twice: the second is a replay
    expected = "sequence 1 where 2 was due (replayed or reordered)";
  } else if (GetParam() == "altered") {
    std::string line = hand.sealed(answer);
    line[5] = line[5] == '9' ? '8' : '9';  // a digit of the sequence number echoed in the body
    hand.send_raw(line);
    expected = "bad MAC";
  } else {  // injected: a line in the clear, as anyone on the path could write it
    hand.send_raw(answer + "\n");
    expected = "the MAC is not 64 lowercase hex digits";
  }
  EXPECT_TRUE(hand.closed_by_master());
  EXPECT_EQ(honest->wait(), RunStatus::ok) << honest->err.str();
  (void)master.wait();
  const std::string log = master.log_text.text();
  const std::size_t dropped = log.find("): dropped: authentication failed: " + expected);
  ASSERT_NE(dropped, std::string::npos) << log;
  EXPECT_EQ(log.rfind("client 2 (127.0.0.1:", dropped), log.rfind('\n', dropped) + 1) << log;  // that client's line
  EXPECT_NE(master.out_text.text().find("client 2 left out of this round"), std::string::npos)
      << master.out_text.text();
  EXPECT_NE(honest->out.str().find(": 1 adjustment(s)"), std::string::npos) << honest->out.str();
}

INSTANTIATE_TEST_SUITE_P(ReplayedAlteredInjected, BadLine, ::testing::Values("replayed", "altered", "injected"));

}  // namespace
}  // namespace berkeley::tcp
