// probe_shared_instant (transport/tcp/shared_instant_probe): the master names an instant of CLOCK_MONOTONIC,
// every member reads its clock there. Over loopback in this process, every clock simulated on this process's
// CLOCK_MONOTONIC: a simulated clock knows its exact value at an instant, so every reading is checked for
// equality with the truth. Members are the load clients (the same ClientSession as berkeley_client) or raw
// sockets that answer what a test wants.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "clock/simulated_clock.hpp"
#include "core/duration_text.hpp"
#include "tcp/loopback_support.hpp"
#include "transport/tcp/shared_instant_probe.hpp"

namespace berkeley::tcp {
namespace {

using test::bounded;
using test::kSecond;
using test::RawSocket;
using test::start_load;
using Master = test::LobbyMaster;

constexpr Nanoseconds kLead{20'000'000};
constexpr Nanoseconds kMasterOffset{300'000'000};
constexpr Nanoseconds kMasterCorrection{-100'000'000};

// The master's own clock: simulated on the lobby's CLOCK_MONOTONIC, corrected by kMasterCorrection.
struct MasterClock {
  SimulatedClock underlying;
  CorrectedClock corrected;
  explicit MasterClock(const Clock& reference, Nanoseconds offset = kMasterOffset)
      : underlying(reference, SimulatedClockParams{offset, 0.0}, reference.now()), corrected(underlying) {
    corrected.apply(kMasterCorrection);
  }
};

std::vector<Member> by_id(std::vector<Member> members) {
  std::sort(members.begin(), members.end(), [](const Member& a, const Member& b) { return a.client_id < b.client_id; });
  return members;
}

Nanoseconds load_offset(std::int64_t id) {
  return draw_simulated_clock(test::kLoadSeed, static_cast<std::uint64_t>(id), kSecond, 0.0).offset_ns;
}

// On its own thread: reads until the PROBE line, keeps it in `probe`, sends what `reply` makes of its instant.
std::jthread answer_probe(RawSocket& socket, std::string& probe,
                          std::function<std::string(std::int64_t instant)> reply) {
  return std::jthread([&socket, &probe, reply = std::move(reply)] {
    while (const std::optional<std::string> line = socket.read_line(bounded())) {
      if (line->rfind("PROBE ", 0) != 0) continue;
      probe = *line;
      const std::int64_t instant = std::stoll(line->substr(6));
      socket.send_text(reply(instant));
      return;
    }
  });
}

std::string reading(std::int64_t instant, std::int64_t raw, std::int64_t corrected) {
  return "READING " + std::to_string(instant) + " " + std::to_string(raw) + " " + std::to_string(corrected) + " 0\n";
}

// Every member's raw reading is its clock at the instant exactly, and so is the master's; the instant is the
// master's raw reading less its offset.
TEST(SharedInstantProbe, EveryClockIsReadAtTheSameInstant) {
  Master master(3);
  LoadOutcome outcome;
  std::jthread load = start_load(master.lobby.port(), 1, 3, outcome);
  ASSERT_TRUE(master.wait_full());
  const std::vector<Member> members = by_id(master.lobby.members());
  const MasterClock own(master.reference);
  const ProbeResult result =
      probe_shared_instant(master.io, members, {true, true, true}, own.corrected, master.reference, kLead, kSecond,
                           std::vector<Nanoseconds>(3, Nanoseconds{0}), master.log);
  EXPECT_EQ(result.master.corrected_ns, result.master.raw_ns + kMasterCorrection);
  EXPECT_EQ(result.master.read_window_ns, Nanoseconds{0});
  const ClockReading instant = result.master.raw_ns - kMasterOffset;
  ASSERT_EQ(result.members.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(result.members[i].has_value()) << result.failures[i];
    EXPECT_EQ(result.members[i]->raw_ns, instant + load_offset(members[i].client_id)) << "client " << i + 1;
    EXPECT_EQ(result.members[i]->corrected_ns, result.members[i]->raw_ns);  // never adjusted
    EXPECT_EQ(result.members[i]->read_window_ns, Nanoseconds{0});
    EXPECT_EQ(result.failures[i], "");
  }
  EXPECT_EQ(master.log.str(), "");
  master.lobby.close_all("test over", kSecond, false);
  load.join();
  EXPECT_EQ(outcome.finished, 3) << outcome.first_failure;
}

// A client that reports another total correction than it was sent: logged, its reading still used.
TEST(SharedInstantProbe, ATotalCorrectionOtherThanTheOneSentIsLogged) {
  Master master(1);
  LoadOutcome outcome;
  std::jthread load = start_load(master.lobby.port(), 1, 1, outcome);
  ASSERT_TRUE(master.wait_full());
  const MasterClock own(master.reference);
  const Nanoseconds sent{5'000'000};
  const ProbeResult result = probe_shared_instant(master.io, master.lobby.members(), {true}, own.corrected,
                                                  master.reference, kLead, kSecond, {sent}, master.log);
  EXPECT_TRUE(result.members[0].has_value()) << result.failures[0];
  const std::string expected = master.lobby.members()[0].connection->label() + ": reports a total correction of " +
                               format_duration(Nanoseconds{0}) + ", but was sent " + format_duration(sent);
  EXPECT_NE(master.log.str().find(expected), std::string::npos) << master.log.str();
  master.lobby.close_all("test over", kSecond, false);
}

// One member silent, one gone before the PROBE: each has its reason, the others' readings are taken.
TEST(SharedInstantProbe, ASilentOrGoneMemberHasItsReasonAndTheOthersAreRead) {
  Master master(3);
  const RawSocket silent = test::silent_client(master.lobby.port(), 2);
  RawSocket gone = test::silent_client(master.lobby.port(), 3);
  LoadOutcome outcome;
  std::jthread load = start_load(master.lobby.port(), 1, 1, outcome);
  ASSERT_TRUE(master.wait_full());
  const std::vector<Member> members = by_id(master.lobby.members());
  gone.close_now();
  ASSERT_TRUE(master.io.run_until(bounded(), [&] { return !members[2].connection->open(); }));
  const MasterClock own(master.reference);
  const Nanoseconds timeout{200'000'000};
  const ProbeResult result =
      probe_shared_instant(master.io, members, {true, true, true}, own.corrected, master.reference, kLead, timeout,
                           std::vector<Nanoseconds>(3, Nanoseconds{0}), master.log);
  ASSERT_TRUE(result.members[0].has_value()) << result.failures[0];
  EXPECT_EQ(result.members[0]->raw_ns, result.master.raw_ns - kMasterOffset + load_offset(1));
  EXPECT_FALSE(result.members[1].has_value());
  EXPECT_EQ(result.failures[1], "no READING within " + format_duration(timeout) + " of the instant");
  EXPECT_FALSE(result.members[2].has_value());
  EXPECT_EQ(result.failures[2], "disconnected");
  master.lobby.close_all("test over", Nanoseconds{100'000'000}, false);
}

// A READING for another instant, or of a clock out of range, drops the member with the reason; a stale TIME
// before the READING (a late answer to a poll that timed out) is skipped.
TEST(SharedInstantProbe, AWrongReadingDropsTheMemberAndAStaleTimeIsSkipped) {
  struct Case {
    std::function<std::string(std::int64_t)> reply;
    std::string failure;  // "": answered
  };
  const std::int64_t too_far = (kMaxClockOffset + kSecond).count();
  const Case cases[] = {
      {[](std::int64_t instant) { return reading(instant + 1, instant, instant); },
       "READING for instant %1, but PROBE named %0"},
      {[too_far](std::int64_t instant) { return reading(instant, instant + too_far, instant); },
       "READING out of range (a clock more than " + format_duration(kMaxClockOffset) + " from the master's)"},
      {[too_far](std::int64_t instant) { return reading(instant, instant, instant - too_far); },
       "READING out of range (a clock more than " + format_duration(kMaxClockOffset) + " from the master's)"},
      {[](std::int64_t instant) {
         return "TIME 3 " + std::to_string(instant) + "\n" + reading(instant, instant, instant);
       },
       ""},
  };
  for (const Case& c : cases) {
    Master master(1);
    RawSocket client = test::silent_client(master.lobby.port(), 1);
    ASSERT_TRUE(master.wait_full());
    std::string probe;
    std::jthread answer = answer_probe(client, probe, c.reply);
    const MasterClock own(master.reference, Nanoseconds{0});  // raw readings near the instant are in range
    const ProbeResult result = probe_shared_instant(master.io, master.lobby.members(), {true}, own.corrected,
                                                    master.reference, kLead, kSecond, {Nanoseconds{0}}, master.log);
    answer.join();
    const std::int64_t instant = reading_ns(result.master.raw_ns);
    EXPECT_EQ(probe, "PROBE " + std::to_string(instant));
    if (c.failure.empty()) {
      ASSERT_TRUE(result.members[0].has_value()) << result.failures[0];
      EXPECT_EQ(result.members[0]->raw_ns, result.master.raw_ns);
    } else {
      std::string failure = c.failure;
      if (const auto at = failure.find("%1"); at != std::string::npos)
        failure.replace(at, 2, std::to_string(instant + 1));
      if (const auto at = failure.find("%0"); at != std::string::npos) failure.replace(at, 2, std::to_string(instant));
      EXPECT_FALSE(result.members[0].has_value());
      EXPECT_EQ(result.failures[0], "dropped: " + failure);
    }
    master.lobby.close_all("test over", Nanoseconds{100'000'000}, false);
  }
}

// A member that does not read the master's CLOCK_MONOTONIC is told how long until the instant (at most the
// lead, never negative); one that does is told the instant alone.
TEST(SharedInstantProbe, AMemberOnAnotherClockIsSentTheDelay) {
  Master master(2);
  RawSocket same = test::silent_client(master.lobby.port(), 1);
  RawSocket other = test::silent_client(master.lobby.port(), 2);
  ASSERT_TRUE(master.wait_full());
  const std::vector<Member> members = by_id(master.lobby.members());
  const auto answer_at_instant = [](std::int64_t instant) { return reading(instant, instant, instant); };
  std::string same_probe;
  std::string other_probe;
  std::jthread answer_same = answer_probe(same, same_probe, answer_at_instant);
  std::jthread answer_other = answer_probe(other, other_probe, answer_at_instant);
  const MasterClock own(master.reference, Nanoseconds{0});
  const ProbeResult result =
      probe_shared_instant(master.io, members, {true, false}, own.corrected, master.reference, kLead, kSecond,
                           std::vector<Nanoseconds>(2, Nanoseconds{0}), master.log);
  answer_same.join();
  answer_other.join();
  const std::string instant = std::to_string(reading_ns(result.master.raw_ns));
  EXPECT_EQ(same_probe, "PROBE " + instant);
  ASSERT_EQ(other_probe.rfind("PROBE " + instant + " ", 0), 0U) << other_probe;
  const std::int64_t delay = std::stoll(other_probe.substr(("PROBE " + instant + " ").size()));
  EXPECT_GE(delay, 0);
  EXPECT_LE(delay, kLead.count());
  EXPECT_TRUE(result.members[0].has_value()) << result.failures[0];
  EXPECT_TRUE(result.members[1].has_value()) << result.failures[1];
  master.lobby.close_all("test over", Nanoseconds{100'000'000}, false);
}

}  // namespace
}  // namespace berkeley::tcp
