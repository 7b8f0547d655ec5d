// Lobby (transport/tcp/lobby): where clients join a master. Over loopback in this process: raw sockets
// that say exactly what a test wants (or nothing), and the load clients (the same ClientSession as
// berkeley_client) on a thread. Who is admitted, who is refused and why, and what each peer is told.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "core/duration_text.hpp"
#include "tcp/loopback_support.hpp"
#include "transport/tcp/lobby.hpp"

namespace berkeley::tcp {
namespace {

using test::bounded;
using test::kSecond;
using test::RawSocket;
using test::start_load;
using Master = test::LobbyMaster;

constexpr Nanoseconds kShortGrace{100'000'000};

TEST(Lobby, ListensOnThePortTheSystemPickedAndNamesIt) {
  Master master(1);
  ASSERT_FALSE(master.listen_error.has_value()) << *master.listen_error;
  EXPECT_NE(master.lobby.port(), 0);
  EXPECT_EQ(master.lobby.endpoint_text(), "127.0.0.1:" + std::to_string(master.lobby.port()));
}

TEST(Lobby, AnIpv6AddressIsWrittenInBrackets) {
  IoDriver io;
  MonotonicClock clock;
  std::ostringstream log;
  Lobby lobby(io, clock, log, LobbyConfig{});
  if (const auto problem = lobby.listen("::1", 0)) GTEST_SKIP() << "no IPv6 loopback here: " << *problem;
  EXPECT_EQ(lobby.endpoint_text(), "[::1]:" + std::to_string(lobby.port()));
}

TEST(Lobby, ListenSaysWhyItCannot) {
  IoDriver io;
  MonotonicClock clock;
  std::ostringstream log;
  Lobby not_an_address(io, clock, log, LobbyConfig{});
  EXPECT_EQ(not_an_address.listen("localhost", 0), std::optional<std::string>("'localhost' is not an IP address"));
  const test::RawListener taken;  // listening on its port: nobody else can
  Lobby in_use(io, clock, log, LobbyConfig{});
  const std::optional<std::string> problem = in_use.listen("127.0.0.1", taken.port());
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->rfind("cannot listen on 127.0.0.1:" + std::to_string(taken.port()) + ": ", 0), 0U) << *problem;
  EXPECT_NE(problem->find("in use"), std::string::npos) << *problem;
}

// Each client is welcomed with its id and the group size, named by its id from then on, and the observer
// hears of every join with the count so far; the clock domain its HELLO stated is kept.
TEST(Lobby, AdmitsUpToTheCapacityAndWelcomesEach) {
  std::vector<std::pair<std::int64_t, std::int64_t>> joins;  // (id, joined so far)
  Master master(2, kSecond, 64,
                [&joins](const Member& m, std::int64_t joined) { joins.emplace_back(m.client_id, joined); });
  RawSocket first = RawSocket::connect_to(master.lobby.port());
  ASSERT_TRUE(first.send_text("HELLO BERKELEY/1 5 boot-x\n"));
  EXPECT_EQ(first.read_line(bounded(), master.serving()), "WELCOME BERKELEY/1 5 2");
  EXPECT_FALSE(master.lobby.full());
  RawSocket second = RawSocket::connect_to(master.lobby.port());
  ASSERT_TRUE(second.send_text("HELLO BERKELEY/1 9\n"));
  EXPECT_EQ(second.read_line(bounded(), master.serving()), "WELCOME BERKELEY/1 9 2");
  EXPECT_TRUE(master.lobby.full());
  EXPECT_EQ(joins, (std::vector<std::pair<std::int64_t, std::int64_t>>{{5, 1}, {9, 2}}));
  const std::vector<Member>& members = master.lobby.members();
  ASSERT_EQ(members.size(), 2U);
  EXPECT_EQ(members[0].client_id, 5);
  EXPECT_EQ(members[0].clock_domain, std::optional<std::string>("boot-x"));
  EXPECT_EQ(members[1].clock_domain, std::nullopt);
  EXPECT_EQ(members[0].connection->label(), "client 5 (" + members[0].connection->peer() + ")");
  EXPECT_TRUE(master.log.str().empty()) << master.log.str();
}

// What came in the same read as the HELLO is a member's message: it waits in the inbox for whoever asks.
TEST(Lobby, WhatCameWithTheHelloWaitsInTheMembersInbox) {
  Master master(1);
  const RawSocket client = test::silent_client(master.lobby.port(), 3, "TIME 4 100\n");
  ASSERT_TRUE(master.wait_full());
  Connection& connection = *master.lobby.members().front().connection;
  ASSERT_TRUE(master.io.run_until(bounded(), [&] { return !connection.inbox().empty(); }));
  ASSERT_EQ(connection.inbox().size(), 1U);
  ASSERT_TRUE(std::holds_alternative<TimeReply>(connection.inbox().front().message));
  EXPECT_EQ(std::get<TimeReply>(connection.inbox().front().message).seq, 4);
  EXPECT_TRUE(connection.open());
}

TEST(Lobby, RefusesADuplicateIdAndAClientBeyondTheCapacityRatherThanQueueing) {
  Master master(2);
  LoadOutcome first;
  std::jthread load = start_load(master.lobby.port(), 1, 2, first);
  ASSERT_TRUE(master.wait_full());
  for (const std::int64_t id : {1, 3}) {
    LoadOutcome extra;
    std::atomic<bool> over{false};
    std::jthread late([&] {
      LoadConfig config;
      config.port = master.lobby.port();
      config.first_id = id;
      config.clock.seed = test::kLoadSeed;
      extra = run_load_clients(config, 5 * kSecond);
      over = true;
    });
    // refused, not queued: the client is told why (a queued one would end at its 5 s limit, "still
    // running"). The loop serves the master until the client ended (bounded)
    EXPECT_TRUE(master.serve_until([&] { return over.load(); }));
    late.join();
    EXPECT_EQ(extra.failed, 1);
    const std::string expected = id == 1 ? "client id 1 has already joined" : "group full: 2 of 2 clients joined";
    EXPECT_NE(extra.first_failure.find(expected), std::string::npos) << extra.first_failure;
  }
  EXPECT_NE(master.log.str().find("refused: group full"), std::string::npos) << master.log.str();
  master.lobby.close_all("test over", kSecond, false);
  load.join();
  EXPECT_EQ(first.finished, 2);
}

// A connection must say HELLO within the hello timeout; whoever says something else first is dropped
// with the reason, and one that gives up (ERROR) is let go without a word.
TEST(Lobby, ANewConnectionMustSayHelloFirstAndInTime) {
  const Nanoseconds hello_timeout{50'000'000};
  Master master(1, hello_timeout);
  RawSocket silent = RawSocket::connect_to(master.lobby.port());
  EXPECT_EQ(silent.read_line(bounded(), master.serving()), "ERROR no HELLO within " + format_duration(hello_timeout));
  RawSocket eager = RawSocket::connect_to(master.lobby.port());
  ASSERT_TRUE(eager.send_text("TIME 1 5\n"));
  EXPECT_EQ(eager.read_line(bounded(), master.serving()), "ERROR TIME before HELLO");
  RawSocket quitter = RawSocket::connect_to(master.lobby.port());
  ASSERT_TRUE(quitter.send_text("ERROR changed my mind\n"));
  const RawSocket::Rest rest = quitter.read_to_eof(bounded(), master.serving());
  EXPECT_TRUE(rest.eof);
  EXPECT_EQ(rest.text, "");
  EXPECT_TRUE(master.lobby.members().empty());
  const std::string log = master.log.str();
  EXPECT_NE(log.find("dropped: no HELLO within"), std::string::npos) << log;
  EXPECT_NE(log.find("dropped: TIME before HELLO"), std::string::npos) << log;
  EXPECT_NE(log.find("gave up before HELLO: changed my mind"), std::string::npos) << log;
}

// A member that says HELLO again is dropped; one that sends ERROR is let go. Either stays in members()
// (its connection closed), so the master can still say what became of it.
TEST(Lobby, AMemberThatHellosAgainIsDroppedAndOneThatGivesUpIsLetGo) {
  Master master(2);
  RawSocket again = test::silent_client(master.lobby.port(), 1);
  EXPECT_EQ(again.read_line(bounded(), master.serving()), "WELCOME BERKELEY/1 1 2");
  RawSocket quitter = test::silent_client(master.lobby.port(), 2);
  EXPECT_EQ(quitter.read_line(bounded(), master.serving()), "WELCOME BERKELEY/1 2 2");
  ASSERT_TRUE(again.send_text("HELLO BERKELEY/1 1\n"));
  EXPECT_EQ(again.read_line(bounded(), master.serving()), "ERROR HELLO again after joining");
  ASSERT_TRUE(quitter.send_text("ERROR clock broke\n"));
  const RawSocket::Rest rest = quitter.read_to_eof(bounded(), master.serving());
  EXPECT_TRUE(rest.eof);
  EXPECT_EQ(rest.text, "");
  const std::vector<Member>& members = master.lobby.members();
  ASSERT_EQ(members.size(), 2U);
  EXPECT_EQ(members[0].connection->close_reason(), "dropped: HELLO again after joining");
  EXPECT_EQ(members[1].connection->state(), Connection::State::closed);
  EXPECT_EQ(members[1].connection->close_reason(), "gave up: clock broke");
  EXPECT_NE(master.log.str().find("client 2 (127.0.0.1:"), std::string::npos) << master.log.str();
}

// Beyond max_pending connections that have not said HELLO, a new one is refused at once (not left to wait);
// the pending one can still join.
TEST(Lobby, ConnectionsBeyondThePendingLimitAreRefused) {
  Master master(1, 10 * kSecond, 1);
  RawSocket pending = RawSocket::connect_to(master.lobby.port());
  RawSocket extra = RawSocket::connect_to(master.lobby.port());  // accepted after `pending`: the backlog is FIFO
  EXPECT_EQ(extra.read_line(bounded(), master.serving()), "REFUSED too many connections waiting to say HELLO");
  ASSERT_TRUE(pending.send_text("HELLO BERKELEY/1 7\n"));
  EXPECT_EQ(pending.read_line(bounded(), master.serving()), "WELCOME BERKELEY/1 7 1");
  EXPECT_NE(master.log.str().find("refused: 1 connections are still to say HELLO"), std::string::npos)
      << master.log.str();
}

// close_all: BYE (or ERROR) with the reason to every member, REFUSED to whoever has not said HELLO, no new
// connections; and it returns when the grace ends even though no peer hangs up.
TEST(Lobby, CloseAllTellsEveryPeerWhyAndIsBounded) {
  for (const bool as_error : {false, true}) {
    Master master(2);
    RawSocket member = test::silent_client(master.lobby.port(), 1);
    EXPECT_EQ(member.read_line(bounded(), master.serving()), "WELCOME BERKELEY/1 1 2");
    RawSocket pending = RawSocket::connect_to(master.lobby.port());
    master.io.run_for(Nanoseconds{1'000'000});  // nothing to wait for: close_all refuses it, accepted or not
    master.lobby.close_all("session over", kShortGrace, as_error);
    EXPECT_EQ(master.lobby.members().front().connection->state(), Connection::State::closed);
    EXPECT_EQ(member.read_line(bounded()), as_error ? "ERROR session over" : "BYE session over");
    const RawSocket::Rest rest = pending.read_to_eof(bounded());
    EXPECT_TRUE(rest.eof);
    // accepted before close_all: told why; still in the backlog: the listening socket closed under it
    EXPECT_TRUE(rest.text.empty() || rest.text == "REFUSED the master is closing\n") << rest.text;
    EXPECT_FALSE(RawSocket::connect_to(master.lobby.port()).valid());  // nobody listens any more
  }
}

// Destroyed with the master: every connection is closed at once, without a word.
TEST(Lobby, ItsEndClosesEveryConnection) {
  RawSocket member;
  RawSocket pending;
  {
    Master master(2);
    member = test::silent_client(master.lobby.port(), 1);
    EXPECT_EQ(member.read_line(bounded(), master.serving()), "WELCOME BERKELEY/1 1 2");
    pending = RawSocket::connect_to(master.lobby.port());  // accepted or still in the backlog: closed either way
  }
  for (RawSocket* peer : {&member, &pending}) {
    const RawSocket::Rest rest = peer->read_to_eof(bounded());
    EXPECT_TRUE(rest.eof);
    EXPECT_EQ(rest.text, "");
  }
}

}  // namespace
}  // namespace berkeley::tcp
