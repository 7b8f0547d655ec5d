// run_load_clients (transport/tcp/load_clients): many clients on one event loop, each a ClientSession with a
// simulated clock drawn from (seed, id). Against a master played by hand on raw loopback sockets: what each
// client says, that its clock is the one drawn for its id (checked against CLOCK_MONOTONIC, which the test
// reads too), and how every kind of end is counted.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "tcp/loopback_support.hpp"
#include "transport/tcp/load_clients.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {
namespace {

using test::bounded;
using test::RawListener;
using test::RawSocket;
using test::start_load;

constexpr Nanoseconds kShort{200'000'000};

// Accepts `count` clients and reads each one's HELLO: the sockets by the id they said.
std::map<std::int64_t, RawSocket> accept_clients(RawListener& listener, int count) {
  std::map<std::int64_t, RawSocket> clients;
  for (int i = 0; i < count; ++i) {
    RawSocket socket = listener.accept_one(bounded());
    const std::optional<std::string> hello = socket.read_line(bounded());
    EXPECT_TRUE(hello.has_value());
    if (!hello) continue;
    const ParseResult<ClientMessage> parsed = parse_client_message(*hello);
    EXPECT_TRUE(parsed && std::holds_alternative<Hello>(*parsed.message)) << *hello;
    if (!parsed || !std::holds_alternative<Hello>(*parsed.message)) continue;
    const Hello& h = std::get<Hello>(*parsed.message);
    EXPECT_EQ(h.clock_domain, std::nullopt) << *hello;
    clients.emplace(h.client_id, std::move(socket));
  }
  return clients;
}

TEST(LoadClients, AHostThatIsNotAnAddressFailsEveryClient) {
  LoadConfig config;
  config.host = "localhost";
  config.count = 3;
  const LoadOutcome outcome = run_load_clients(config, kShort);
  EXPECT_EQ(outcome.finished, 0);
  EXPECT_EQ(outcome.failed, 3);
  EXPECT_EQ(outcome.first_failure, "'localhost' is not an IP address");
}

TEST(LoadClients, NobodyListeningFailsEveryClientAtConnect) {
  const RawListener not_listening(false);
  LoadOutcome outcome;
  start_load(not_listening.port(), 1, 2, outcome).join();
  EXPECT_EQ(outcome.finished, 0);
  EXPECT_EQ(outcome.failed, 2);
  EXPECT_EQ(outcome.first_failure.rfind("connect: ", 0), 0U) << outcome.first_failure;
}

// Ids first_id .. first_id + count - 1, one connection each; each answers POLL from the clock drawn for its id
// (its TIME lies between the truth before the POLL and after the answer), and a BYE ends each cleanly.
TEST(LoadClients, EachClientJoinsWithItsIdAndAnswersFromItsOwnClock) {
  RawListener listener;
  LoadOutcome outcome;
  std::jthread load = start_load(listener.port(), 4, 3, outcome);
  std::map<std::int64_t, RawSocket> clients = accept_clients(listener, 3);
  ASSERT_EQ(clients.size(), 3U);
  EXPECT_EQ(clients.begin()->first, 4);
  EXPECT_EQ(clients.rbegin()->first, 6);
  const MonotonicClock truth;
  for (auto& [id, socket] : clients) {
    const Nanoseconds offset =
        draw_simulated_clock(test::kLoadSeed, static_cast<std::uint64_t>(id), test::kSecond, 0.0).offset_ns;
    ASSERT_TRUE(socket.send_text("WELCOME BERKELEY/1 " + std::to_string(id) + " 3\n"));
    const ClockReading before = truth.now();
    ASSERT_TRUE(socket.send_text("POLL 1\n"));
    const std::optional<std::string> line = socket.read_line(bounded());
    const ClockReading after = truth.now();
    ASSERT_TRUE(line.has_value() && line->rfind("TIME 1 ", 0) == 0) << line.value_or("(nothing)");
    const std::int64_t told = std::stoll(line->substr(7));
    EXPECT_GE(told, reading_ns(before + offset)) << "client " << id;
    EXPECT_LE(told, reading_ns(after + offset)) << "client " << id;
    ASSERT_TRUE(socket.send_text("BYE done\n"));
  }
  load.join();
  EXPECT_EQ(outcome.finished, 3) << outcome.first_failure;
  EXPECT_EQ(outcome.failed, 0);
  EXPECT_EQ(outcome.first_failure, "");
}

// Only BYE is a success; refused, gone without BYE and still running at the limit are failures, and the
// first failure (in id order) is the one named.
TEST(LoadClients, EveryOtherEndIsCountedAsAFailure) {
  RawListener listener;
  LoadOutcome outcome;
  // the limit bounds client 4's wait; the others end long before it (3 s: even on a loaded machine)
  std::jthread load = start_load(listener.port(), 1, 4, outcome, 3 * test::kSecond);
  std::map<std::int64_t, RawSocket> clients = accept_clients(listener, 4);
  ASSERT_EQ(clients.size(), 4U);
  ASSERT_TRUE(clients[1].send_text("WELCOME BERKELEY/1 1 4\nBYE done\n"));
  ASSERT_TRUE(clients[2].send_text("REFUSED group full\n"));
  ASSERT_TRUE(clients[3].send_text("WELCOME BERKELEY/1 3 4\n"));
  clients[3].close_now();
  // client 4 hears nothing: still running when the limit passes
  load.join();
  EXPECT_EQ(outcome.finished, 1);
  EXPECT_EQ(outcome.failed, 3);
  EXPECT_EQ(outcome.first_failure, "master refused us: group full");
}

TEST(LoadClients, AMasterThatNeverAnswersLeavesTheClientRunningAtTheLimit) {
  RawListener listener;
  LoadOutcome outcome;
  // never accepted: the kernel completes the connect from the backlog, and nobody ever answers the HELLO
  start_load(listener.port(), 1, 1, outcome, kShort).join();
  EXPECT_EQ(outcome.failed, 1);
  EXPECT_EQ(outcome.first_failure, "still running at the time limit");
}

TEST(LoadClients, AMasterThatClosesWithoutByeIsNamed) {
  RawListener listener;
  LoadOutcome outcome;
  std::jthread load = start_load(listener.port(), 1, 1, outcome);
  std::map<std::int64_t, RawSocket> clients = accept_clients(listener, 1);
  ASSERT_EQ(clients.size(), 1U);
  clients.begin()->second.close_now();
  load.join();
  EXPECT_EQ(outcome.failed, 1);
  EXPECT_EQ(outcome.first_failure.rfind("closed without BYE: ", 0), 0U) << outcome.first_failure;
}

// A master that breaks the framing, the grammar or the order of the protocol: the client ends, saying why.
TEST(LoadClients, AMasterThatBreaksTheProtocolEndsTheClientWithTheReason) {
  const std::pair<std::string, std::string> cases[] = {
      {std::string(300, 'A') + "\n", "bad line from the master: line longer than 256 bytes"},
      {"POLL 0\n", "bad message from the master: " + parse_master_message("POLL 0").error},
      {"POLL 1\n", "master sent POLL before WELCOME"},
  };
  for (const auto& [line, failure] : cases) {
    RawListener listener;
    LoadOutcome outcome;
    std::jthread load = start_load(listener.port(), 1, 1, outcome);
    std::map<std::int64_t, RawSocket> clients = accept_clients(listener, 1);
    ASSERT_EQ(clients.size(), 1U);
    ASSERT_TRUE(clients.begin()->second.send_text(line));
    load.join();
    EXPECT_EQ(outcome.failed, 1);
    EXPECT_EQ(outcome.first_failure, failure);
  }
}

}  // namespace
}  // namespace berkeley::tcp
