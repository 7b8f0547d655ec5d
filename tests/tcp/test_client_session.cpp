// The client's protocol handler without sockets: replies from its corrected clock, applies signed
// adjustments once per round, reads at the named instant, refuses what it must not do.
#include <gtest/gtest.h>

#include <sstream>

#include "support/manual_clock.hpp"
#include "transport/tcp/client_session.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {
namespace {

using FixedClock = berkeley::testing_support::ManualClock;

constexpr Nanoseconds kTimeout{std::chrono::seconds(5)};

struct Fixture {
  FixedClock local;
  FixedClock reference;
  std::ostringstream out;
  ClientSession session{4, local, reference, kTimeout, out};

  Fixture() {
    local.set(at_ns(1'000'000));
    reference.set(at_ns(50'000'000'000));
  }
  SessionStep joined() { return session.on_message(Welcome{4, 3}); }
};

TEST(ClientSession, SaysHelloWithItsIdAndVersion) {
  Fixture f;
  EXPECT_EQ(f.session.hello_line(), "HELLO BERKELEY/1 4\n");
  EXPECT_EQ(f.session.state(), SessionState::joining);
}

TEST(ClientSession, AnswersPollsFromItsCorrectedClock) {
  Fixture f;
  EXPECT_EQ(f.joined().state, SessionState::joined);
  EXPECT_EQ(f.session.on_message(Poll{7}).reply, "TIME 7 1000000\n");
  f.session.on_message(Adjust{1, Nanoseconds{-250}});
  EXPECT_EQ(f.session.on_message(Poll{8}).reply, "TIME 8 999750\n");
}

TEST(ClientSession, AppliesSignedAdjustmentsAndPrintsBeforeAndAfter) {
  Fixture f;
  f.joined();
  f.session.on_message(Adjust{1, Nanoseconds{-300'000}});
  f.session.on_message(Adjust{2, Nanoseconds{1'000}});
  EXPECT_EQ(f.session.clock().total_correction(), Nanoseconds{-299'000});
  EXPECT_EQ(f.session.rounds_adjusted(), 2);
  EXPECT_NE(f.out.str().find("round 1: clock before 1.000000 ms, adjust by -300.000 µs, after 700.000 µs"),
            std::string::npos)
      << f.out.str();
}

TEST(ClientSession, RefusesAnAdjustmentForAnOldRound) {
  Fixture f;
  f.joined();
  f.session.on_message(Adjust{2, Nanoseconds{5}});
  const SessionStep replayed = f.session.on_message(Adjust{2, Nanoseconds{5}});
  EXPECT_EQ(replayed.state, SessionState::failed);
  EXPECT_NE(replayed.note.find("refusing to apply it"), std::string::npos);
  EXPECT_EQ(f.session.clock().total_correction(), Nanoseconds{5});  // applied once only
}

TEST(ClientSession, ReadsItsClockAtTheNamedInstant) {
  Fixture f;
  f.joined();
  f.session.on_message(Adjust{1, Nanoseconds{40}});
  // the instant has just passed on the reference: no wait; the fixed clocks make the read exact
  const SessionStep step = f.session.on_message(Probe{50'000'000'000});
  ASSERT_TRUE(step.reply.has_value());
  const ParseResult<ClientMessage> reading = parse_client_message(step.reply->substr(0, step.reply->size() - 1));
  ASSERT_TRUE(reading) << reading.error;
  const Reading r = std::get<Reading>(*reading.message);
  EXPECT_EQ(r.instant_ns, 50'000'000'000);
  EXPECT_EQ(r.raw_ns, at_ns(1'000'000));
  EXPECT_EQ(r.corrected_ns, at_ns(1'000'040));
}

TEST(ClientSession, OnAnotherClockItReadsAfterTheDelayAndAnswersForTheMastersInstant) {
  Fixture f;
  f.joined();
  // the master's instant is 1000 s ahead of this clock (another kernel): only the delay means anything here.
  // The fixed reference never reaches now + 10 ms, so the read would spin: the delay is 0 (the instant is now).
  const std::int64_t masters_instant = 50'000'000'000 + 1'000'000'000'000;
  const SessionStep step = f.session.on_message(Probe{masters_instant, 0});
  ASSERT_TRUE(step.reply.has_value());
  EXPECT_EQ(step.state, SessionState::joined);
  const ParseResult<ClientMessage> reading = parse_client_message(step.reply->substr(0, step.reply->size() - 1));
  ASSERT_TRUE(reading) << reading.error;
  EXPECT_EQ(std::get<Reading>(*reading.message).instant_ns, masters_instant);  // the master matches it by this
  EXPECT_EQ(std::get<Reading>(*reading.message).raw_ns, at_ns(1'000'000));
  // a delay longer than the client's timeout is refused, as an instant that far ahead is (the instant itself
  // is now here: only the delay can make the client refuse)
  Fixture g;
  g.joined();
  EXPECT_EQ(g.session.on_message(Probe{50'000'000'000, kTimeout.count() + 1}).state, SessionState::failed);
}

TEST(ClientSession, RefusesAProbeFurtherAheadThanItsTimeout) {
  Fixture f;
  f.joined();
  const SessionStep step = f.session.on_message(Probe{50'000'000'000 + kTimeout.count() + 1});
  EXPECT_EQ(step.state, SessionState::failed);
  EXPECT_FALSE(step.reply.has_value());
}

TEST(ClientSession, NothingBeforeWelcome) {
  for (const MasterMessage& early : {MasterMessage{Poll{1}}, MasterMessage{Adjust{1, Nanoseconds{5}}},
                                     MasterMessage{Probe{1}}, MasterMessage{Bye{"x"}}}) {
    Fixture f;
    EXPECT_EQ(f.session.on_message(early).state, SessionState::failed) << command_name(early);
    EXPECT_EQ(f.session.clock().total_correction(), Nanoseconds{0});
  }
}

TEST(ClientSession, AWelcomeForAnotherIdFails) {
  Fixture f;
  EXPECT_EQ(f.session.on_message(Welcome{5, 3}).state, SessionState::failed);
}

TEST(ClientSession, RefusedErrorAndByeEndTheSession) {
  {
    Fixture f;
    const SessionStep step = f.session.on_message(Refused{"group full"});
    EXPECT_EQ(step.state, SessionState::refused);
    EXPECT_NE(step.note.find("group full"), std::string::npos);
  }
  {
    Fixture f;
    f.joined();
    EXPECT_EQ(f.session.on_message(Error{"bad"}).state, SessionState::failed);
  }
  {
    Fixture f;
    f.joined();
    EXPECT_EQ(f.session.on_message(Bye{"done"}).state, SessionState::finished);
    EXPECT_EQ(f.session.on_message(Poll{1}).reply, std::nullopt);  // over is over
  }
}

}  // namespace
}  // namespace berkeley::tcp

namespace berkeley::tcp {
namespace {

// Keyed (BERKELEY/2): the HELLO carries the nonce, a CHALLENGE is answered with JOIN once, and only a keyed
// WELCOME after it is taken; a keyless client takes no CHALLENGE and no keyed WELCOME.
TEST(ClientSession, AKeyedClientAnswersTheChallengeAndTakesOnlyAKeyedWelcome) {
  Nonce nonce{};
  nonce.fill(0x5a);
  {
    Fixture f;
    f.session.use_key(nonce);
    EXPECT_EQ(f.session.hello_line(), "HELLO BERKELEY/2 4 5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a\n");
    EXPECT_EQ(f.session.on_message(Challenge{}).reply, "JOIN\n");
    EXPECT_EQ(f.session.on_message(Welcome{4, 3, true}).state, SessionState::joined);
  }
  {
    Fixture f;
    f.session.use_key(nonce);
    const SessionStep step = f.session.on_message(Welcome{4, 3, true});  // no CHALLENGE came first
    EXPECT_EQ(step.state, SessionState::failed);
    EXPECT_NE(step.note.find("without the key's CHALLENGE"), std::string::npos) << step.note;
  }
  {
    Fixture f;
    f.session.use_key(nonce);
    (void)f.session.on_message(Challenge{});
    EXPECT_EQ(f.session.on_message(Welcome{4, 3, false}).state, SessionState::failed);  // a BERKELEY/1 welcome
  }
  {
    Fixture f;
    f.session.use_key(nonce);
    (void)f.session.on_message(Challenge{});
    EXPECT_EQ(f.session.on_message(Challenge{}).state, SessionState::failed);  // twice
  }
  {
    Fixture f;  // keyless
    const SessionStep step = f.session.on_message(Challenge{});
    EXPECT_EQ(step.state, SessionState::failed);
    EXPECT_NE(step.note.find("this client has no key"), std::string::npos) << step.note;
    Fixture g;
    EXPECT_EQ(g.session.on_message(Welcome{4, 3, true}).state, SessionState::failed);
  }
}

}  // namespace
}  // namespace berkeley::tcp
