// run_client and berkeley::tcp::Client (transport/tcp/client): berkeley_client's whole run, and the class a
// program embeds, on a thread of this process, against a master played by hand on a raw loopback socket.
// run_client's simulated clock runs on CLOCK_MONOTONIC, which the test reads too: what the client reports is
// checked against the truth, not against a timing figure. The Client's clock runs on a clock the test sets
// by hand, so its readings are known exactly.
#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "clock/clock_domain.hpp"
#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "core/duration_text.hpp"
#include "support/manual_clock.hpp"
#include "tcp/loopback_support.hpp"
#include "transport/tcp/client.hpp"

namespace berkeley::tcp {
namespace {

using test::bounded;
using test::RawListener;
using test::RawSocket;

constexpr std::int64_t kId = 7;
constexpr Nanoseconds kShort{200'000'000};

using test::ClientRun;

// "TIME <seq> <clock_ns>" → clock_ns
std::int64_t time_value(const std::optional<std::string>& line, std::int64_t seq) {
  const std::string prefix = "TIME " + std::to_string(seq) + " ";
  EXPECT_TRUE(line.has_value() && line->rfind(prefix, 0) == 0) << line.value_or("(nothing)");
  return line ? std::stoll(line->substr(prefix.size())) : 0;
}

// The master accepts the client and reads its HELLO.
RawSocket accept_client(RawListener& listener) {
  RawSocket master = listener.accept_one(bounded());
  EXPECT_TRUE(master.valid());
  const std::optional<std::string> domain = monotonic_clock_domain();
  EXPECT_EQ(master.read_line(bounded()), "HELLO BERKELEY/1 7" + (domain ? " " + *domain : std::string()));
  return master;
}

// POLL: the client's TIME lies between the truth before the POLL went out and after its answer came in.
// ADJUST: the signed delta moves it. PROBE: the readings at the named instant are exact (a simulated clock
// knows its value there), before and after the correction. BYE: a clean end.
TEST(Client, AnswersFromItsClockAppliesAdjustmentsReadsTheInstantAndEndsAtBye) {
  RawListener listener;
  ClientRun client(listener.port(), kId, {}, false);
  client.start();
  RawSocket master = accept_client(listener);
  const MonotonicClock truth;
  const Nanoseconds offset = draw_simulated_clock(client.config.clock.seed, kId, client.config.clock.max_offset_ns,
                                                  client.config.clock.drift_ppm)
                                 .offset_ns;
  ASSERT_TRUE(master.send_text("WELCOME BERKELEY/1 7 1\n"));

  ClockReading before = truth.now();
  ASSERT_TRUE(master.send_text("POLL 1\n"));
  std::int64_t told = time_value(master.read_line(bounded()), 1);
  ClockReading after = truth.now();
  EXPECT_GE(told, reading_ns(before + offset));
  EXPECT_LE(told, reading_ns(after + offset));

  const Nanoseconds delta{-250'000'000};
  ASSERT_TRUE(master.send_text("ADJUST 1 " + std::to_string(delta.count()) + "\n"));
  before = truth.now();
  ASSERT_TRUE(master.send_text("POLL 2\n"));
  told = time_value(master.read_line(bounded()), 2);
  after = truth.now();
  EXPECT_GE(told, reading_ns(before + offset + delta));
  EXPECT_LE(told, reading_ns(after + offset + delta));

  const std::int64_t instant = reading_ns(truth.now() + Nanoseconds{20'000'000});
  ASSERT_TRUE(master.send_text("PROBE " + std::to_string(instant) + "\n"));
  const std::int64_t raw = instant + offset.count();
  EXPECT_EQ(master.read_line(bounded()), "READING " + std::to_string(instant) + " " + std::to_string(raw) + " " +
                                             std::to_string(raw + delta.count()) + " 0");

  ASSERT_TRUE(master.send_text("BYE 1 round(s) done\n"));
  EXPECT_EQ(client.wait(), RunStatus::ok) << client.err.str();
  EXPECT_TRUE(master.read_to_eof(bounded()).eof);  // it hung up
  const std::string out = client.out.str();
  EXPECT_NE(out.find("client 7: connected to 127.0.0.1:" + std::to_string(listener.port()) + ", simulated clock"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("joined as client 7 (the master waits for 1 clients)"), std::string::npos) << out;
  EXPECT_NE(out.find("adjust by " + format_duration(delta)), std::string::npos) << out;
  EXPECT_NE(out.find("session over (1 round(s) done): 1 adjustment(s)"), std::string::npos) << out;
  EXPECT_EQ(client.err.str(), "");
}

TEST(Client, QuietSaysNothingOnSuccess) {
  RawListener listener;
  ClientRun client(listener.port(), kId, {}, false);
  client.config.quiet = true;
  client.start();
  RawSocket master = accept_client(listener);
  ASSERT_TRUE(master.send_text("WELCOME BERKELEY/1 7 1\nBYE done\n"));
  EXPECT_EQ(client.wait(), RunStatus::ok) << client.err.str();
  EXPECT_EQ(client.out.str(), "");
  EXPECT_EQ(client.err.str(), "");
}

TEST(Client, RefusedIsItsOwnOutcome) {
  RawListener listener;
  ClientRun client(listener.port(), kId, {}, false);
  client.start();
  RawSocket master = accept_client(listener);
  ASSERT_TRUE(master.send_text("REFUSED group full: 1 of 1 clients joined\n"));
  EXPECT_EQ(client.wait(), RunStatus::refused);
  EXPECT_EQ(client.err.str(), "berkeley_client 7: master refused us: group full: 1 of 1 clients joined\n");
}

TEST(Client, NoMasterWithinTheTimeoutIsANetworkError) {
  const RawListener not_listening(false);
  ClientRun client(not_listening.port(), kId, {}, false);
  client.config.timeout_ns = kShort;
  client.start();
  EXPECT_EQ(client.wait(), RunStatus::network_error);
  EXPECT_EQ(client.err.str(), "berkeley_client 7: no master at 127.0.0.1:" + std::to_string(not_listening.port()) +
                                  " (last error: Connection refused) (gave up after --timeout " +
                                  format_duration(kShort) + ")\n");
}

// Silence is bounded twice: --timeout for the answer to HELLO, --idle-timeout once joined.
TEST(Client, AMasterThatSaysNothingIsGivenUpOn) {
  for (const bool joined : {false, true}) {
    RawListener listener;
    ClientRun client(listener.port(), kId, {}, false);
    (joined ? client.config.idle_timeout_ns : client.config.timeout_ns) = kShort;
    client.start();
    RawSocket master = accept_client(listener);
    if (joined) {
      ASSERT_TRUE(master.send_text("WELCOME BERKELEY/1 7 1\n"));
    }
    EXPECT_EQ(client.wait(), RunStatus::network_error);
    const std::string expected = joined ? "the master said nothing for " + format_duration(kShort) + "; giving up"
                                        : "the master at 127.0.0.1:" + std::to_string(listener.port()) +
                                              " did not answer HELLO within " + format_duration(kShort);
    EXPECT_EQ(client.err.str(), "berkeley_client 7: " + expected + "\n");
  }
}

TEST(Client, AMasterGoneWithoutByeIsANetworkError) {
  RawListener listener;
  ClientRun client(listener.port(), kId, {}, false);
  client.start();
  RawSocket master = accept_client(listener);
  ASSERT_TRUE(master.send_text("WELCOME BERKELEY/1 7 1\nADJUST 1 5\nADJUST 2 -5\n"));
  master.close_now();
  EXPECT_EQ(client.wait(), RunStatus::network_error);
  EXPECT_EQ(client.err.str(),
            "berkeley_client 7: the master closed the connection without BYE (master gone?) after 2 adjustment(s)\n");
}

// The client says why it gives up (ERROR <reason>) before it hangs up: a malformed line, a message out of
// turn; but it does not answer a master's own ERROR with one.
TEST(Client, TellsTheMasterWhyItGivesUp) {
  struct Case {
    std::string from_master;
    std::string to_master;  // what the client says before it hangs up
    std::string err;
  };
  const Case cases[] = {
      {"WELCOME BERKELEY/1 7 1\nPOLL 01\n", "ERROR malformed line: POLL: seq '01' is not a decimal integer\n",
       "the master sent a malformed line: POLL: seq '01' is not a decimal integer"},
      {"POLL 1\n", "ERROR master sent POLL before WELCOME\n", "master sent POLL before WELCOME"},
      {"WELCOME BERKELEY/1 8 1\n", "ERROR master welcomed id 8, but this is client 7\n",
       "master welcomed id 8, but this is client 7"},
      {"ERROR you are late\n", "", "master reported an error: you are late"},
  };
  for (const Case& c : cases) {
    RawListener listener;
    ClientRun client(listener.port(), kId, {}, false);
    client.start();
    RawSocket master = accept_client(listener);
    ASSERT_TRUE(master.send_text(c.from_master));
    EXPECT_EQ(client.wait(), RunStatus::network_error) << c.from_master;
    const RawSocket::Rest rest = master.read_to_eof(bounded());
    EXPECT_TRUE(rest.eof);
    EXPECT_EQ(rest.text, c.to_master);
    EXPECT_EQ(client.err.str(), "berkeley_client 7: " + c.err + "\n");
  }
}

// berkeley::tcp::Client over the caller's clock: a simulated clock on a reference the test holds still, so
// every reading is known. clock() is that clock plus the sum of the signed ADJUSTs, exactly, and it stays
// so after run() returned, as the reference moves on; the TIMEs the master reads come from it.
TEST(ClientClass, ItsClockIsTheLocalClockPlusTheAdjustmentsDuringAndAfterTheSession) {
  testing_support::ManualClock reference;
  reference.set(at_ns(5'000'000'000'000));
  const SimulatedClock local(reference, SimulatedClockParams{.offset_ns = Nanoseconds{123'456'789}, .drift_ppm = 0.0},
                             at_ns(0));
  RawListener listener;
  ClientConfig config;
  config.port = listener.port();
  config.client_id = kId;
  config.timeout_ns = test::kBound;
  Client client(config, local);
  EXPECT_EQ(client.clock().now(), local.now());  // before the session: the local clock itself
  EXPECT_EQ(client.rounds_adjusted(), 0);

  std::ostringstream out;
  std::ostringstream err;
  RunStatus status = RunStatus::network_error;
  std::jthread thread([&] { status = client.run(out, err); });
  RawSocket master = accept_client(listener);
  ASSERT_TRUE(master.send_text("WELCOME BERKELEY/1 7 1\n"));
  const std::int64_t start = reading_ns(local.now());
  const Nanoseconds deltas[] = {Nanoseconds{40'000'000}, Nanoseconds{-250'000'001}, Nanoseconds{7}};
  Nanoseconds sum{0};
  std::int64_t round = 0;
  for (const Nanoseconds delta : deltas) {
    ++round;
    ASSERT_TRUE(master.send_text("POLL " + std::to_string(round) + "\n"));
    EXPECT_EQ(time_value(master.read_line(bounded()), round), start + sum.count());
    ASSERT_TRUE(master.send_text("ADJUST " + std::to_string(round) + " " + std::to_string(delta.count()) + "\n"));
    sum += delta;
  }
  ASSERT_TRUE(master.send_text("POLL 9\n"));
  EXPECT_EQ(time_value(master.read_line(bounded()), 9), start + sum.count());
  ASSERT_TRUE(master.send_text("BYE 3 round(s) done\n"));
  thread.join();
  EXPECT_EQ(status, RunStatus::ok) << err.str();
  EXPECT_EQ(err.str(), "");
  EXPECT_TRUE(master.read_to_eof(bounded()).eof);

  EXPECT_EQ(client.rounds_adjusted(), 3);
  EXPECT_EQ(client.clock().now(), local.now() + sum);
  EXPECT_EQ(client.clock().total_correction(), sum);
  reference.set(at_ns(9'000'000'000'000));  // time goes on after the session; the correction stays
  EXPECT_EQ(reading_ns(client.clock().now()), 9'000'000'000'000 + 123'456'789 + sum.count());
  EXPECT_EQ(client.clock().exact_at(reference, at_ns(6'000'000'000'000)), at_ns(6'000'000'000'000 + 123'456'789) + sum);

  const std::string text = out.str();
  EXPECT_NE(text.find("client 7: connected to 127.0.0.1:" + std::to_string(listener.port()) + ", local clock reads " +
                      format_duration(Nanoseconds{start})),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("round 2: clock before"), std::string::npos) << text;
  EXPECT_NE(text.find("session over (3 round(s) done): 3 adjustment(s)"), std::string::npos) << text;
}

// Quiet: nothing on `out`; a failure still says why on `err`, and what was applied before it stays applied.
TEST(ClientClass, AFailedSessionKeepsTheAdjustmentsItApplied) {
  testing_support::ManualClock reference;
  reference.set(at_ns(1'000'000'000));
  RawListener listener;
  ClientConfig config;
  config.port = listener.port();
  config.client_id = kId;
  config.timeout_ns = test::kBound;
  config.quiet = true;
  Client client(config, reference);
  std::ostringstream out;
  std::ostringstream err;
  RunStatus status = RunStatus::ok;
  std::jthread thread([&] { status = client.run(out, err); });
  RawSocket master = accept_client(listener);
  ASSERT_TRUE(master.send_text("WELCOME BERKELEY/1 7 1\nADJUST 1 -30\n"));
  master.close_now();
  thread.join();
  EXPECT_EQ(status, RunStatus::network_error);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(),
            "berkeley_client 7: the master closed the connection without BYE (master gone?) after 1 adjustment(s)\n");
  EXPECT_EQ(client.rounds_adjusted(), 1);
  EXPECT_EQ(client.clock().now(), at_ns(1'000'000'000 - 30));
}

// One session per Client: a second run() would start with a session that is already over.
TEST(ClientClass, RunsOneSessionOnly) {
  const RawListener not_listening(false);
  ClientConfig config;
  config.port = not_listening.port();
  config.timeout_ns = kShort;
  const MonotonicClock local;
  Client client(config, local);
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(client.run(out, err), RunStatus::network_error);
  EXPECT_THROW((void)client.run(out, err), std::logic_error);
}

}  // namespace
}  // namespace berkeley::tcp
