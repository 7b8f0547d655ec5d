// run_master (transport/tcp/master): berkeley_master's whole run on a thread of this process, on 127.0.0.1
// port 0, with clients on threads (run_client, the load clients) or played by hand on raw sockets. Every
// clock is simulated on this process's CLOCK_MONOTONIC, so what each client was told to do is checked
// against the offsets it was drawn with. Asserted: who joined, who was refused or left out and why, how the
// run ended; not the report's contents (session_report has its own tests).
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <sstream>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

#include "clock/simulated_clock.hpp"
#include "core/duration_text.hpp"
#include "tcp/loopback_support.hpp"
#include "tcp/master_run.hpp"
#include "transport/tcp/client.hpp"
#include "transport/tcp/master.hpp"

namespace berkeley::tcp {
namespace {

using test::bounded;
using test::kSecond;
using test::MasterRun;
using test::RawSocket;

using test::ClientRun;

// "..., total -1.234567 ms, clock now ..." in a client's last line: the sum of the adjustments it applied.
std::optional<Nanoseconds> total_correction(const std::string& out) {
  const std::size_t from = out.find(", total ");
  const std::size_t to = out.find(", clock now", from);
  if (from == std::string::npos || to == std::string::npos) return std::nullopt;
  std::string text = out.substr(from + 8, to - from - 8);
  std::erase(text, ' ');
  return parse_duration(text);
}

// Offsets of many seconds, all within the tolerance: every clock is in the average. The total each
// client applied is then the mean of the offsets less its own, within what the estimates can be wrong by:
// every answer came within the timeout, so each offset estimate is off by at most half of it, and a
// correction (the mean of the estimates less one estimate) by at most the timeout.
TEST(Master, CorrectsEveryClientTowardTheAverageOfAllClocks) {
  constexpr std::int64_t kClients = 3;
  const Nanoseconds max_offset = 100 * kSecond;
  MasterRun master(kClients);
  master.config.clock.seed = 1;
  master.config.clock.max_offset_ns = max_offset;
  master.config.tolerance_ns = 1000 * kSecond;
  master.start();
  const std::uint16_t port = master.port();
  ASSERT_NE(port, 0) << master.out_text.text() << master.log_text.text();
  std::vector<std::unique_ptr<ClientRun>> clients;
  for (std::int64_t id = 1; id <= kClients; ++id) {
    clients.push_back(std::make_unique<ClientRun>(port, id, master.config.clock));  // seed 1, drawn per id
  }
  std::vector<RunStatus> statuses;
  for (auto& c : clients) statuses.push_back(c->wait());
  EXPECT_EQ(master.wait().status, RunStatus::ok) << master.log_text.text();

  // every clock drawn from seed 1 within ±100 s, the master's for id 0, each client's for its id
  const Nanoseconds master_offset = draw_simulated_clock(1, 0, max_offset, 0.0).offset_ns;
  std::vector<Nanoseconds> offsets{Nanoseconds{0}};  // against the master's clock
  for (std::int64_t id = 1; id <= kClients; ++id) {
    const ClockChoice& c = clients[static_cast<std::size_t>(id - 1)]->config.clock;
    offsets.push_back(draw_simulated_clock(c.seed, static_cast<std::uint64_t>(id), c.max_offset_ns, 0.0).offset_ns -
                      master_offset);
  }
  Nanoseconds sum{0};
  for (const Nanoseconds o : offsets) sum += o;
  const Nanoseconds mean = sum / static_cast<std::int64_t>(offsets.size());
  Nanoseconds largest{0};
  for (std::int64_t id = 1; id <= kClients; ++id) {
    ClientRun& client = *clients[static_cast<std::size_t>(id - 1)];
    EXPECT_EQ(statuses[static_cast<std::size_t>(id - 1)], RunStatus::ok) << client.err.str();
    const std::string out = client.out.str();
    EXPECT_NE(out.find(": 1 adjustment(s), total"), std::string::npos) << out;
    const std::optional<Nanoseconds> total = total_correction(out);
    ASSERT_TRUE(total.has_value()) << out;
    const Nanoseconds expected = mean - offsets[static_cast<std::size_t>(id)];
    largest = std::max(largest, std::chrono::abs(expected));
    EXPECT_LE(std::chrono::abs(*total - expected), master.config.timeout_ns + Nanoseconds{1})
        << "client " << id << ": applied " << format_duration(*total) << ", expected " << format_duration(expected);
  }
  // the check means something only if the corrections are larger than what it allows
  EXPECT_GT(largest, 2 * master.config.timeout_ns);
  const std::string out = master.out_text.text();
  for (std::int64_t id = 1; id <= kClients; ++id) {
    EXPECT_NE(out.find("client " + std::to_string(id) + " joined from 127.0.0.1:"), std::string::npos) << out;
  }
  EXPECT_NE(out.find("(3 of 3)"), std::string::npos) << out;
  EXPECT_NE(out.find("all 3 clients joined"), std::string::npos) << out;
  EXPECT_EQ(master.log_text.text(), "");  // nobody dropped, refused or misreporting
}

// Several rounds with the load clients: every client stays to the BYE; quiet leaves only the first line
// and the summary (no join or round lines).
TEST(Master, RunsEveryRoundWithManyClientsAndQuietSaysNoProgress) {
  MasterRun master(5);
  master.config.rounds = 3;
  master.config.quiet = true;
  master.start();
  const std::uint16_t port = master.port();
  ASSERT_NE(port, 0);
  LoadOutcome outcome;
  test::start_load(port, 1, 5, outcome).join();
  EXPECT_EQ(master.wait().status, RunStatus::ok) << master.log_text.text();
  EXPECT_EQ(outcome.finished, 5) << outcome.first_failure;
  const std::string out = master.out_text.text();
  EXPECT_EQ(out.rfind("berkeley_master: listening on 127.0.0.1:", 0), 0U) << out;
  EXPECT_EQ(out.find("joined"), std::string::npos) << out;
  EXPECT_EQ(out.find("round 1"), std::string::npos) << out;
}

// Not all N joined by the join timeout: the master ends with a network error and tells whoever joined.
TEST(Master, TooFewClientsWithinTheJoinTimeoutEndTheRun) {
  MasterRun master(2);
  master.config.join_timeout_ns = Nanoseconds{300'000'000};
  master.start();
  const std::uint16_t port = master.port();
  ASSERT_NE(port, 0);
  ClientRun client(port, 1);
  EXPECT_EQ(master.wait().status, RunStatus::network_error);
  EXPECT_EQ(client.wait(), RunStatus::network_error);
  EXPECT_NE(master.log_text.text().find("berkeley_master: only 1 of 2 clients joined within " +
                                        format_duration(master.config.join_timeout_ns)),
            std::string::npos)
      << master.log_text.text();
  EXPECT_NE(client.err.str().find("master reported an error: not enough clients joined"), std::string::npos)
      << client.err.str();
}

// A client beyond N is refused while the session runs, not queued; a client that goes away mid-round is
// left out of that round with the reason. Client 1 holds round 1 by not answering its first POLL, so the
// second client certainly arrives while the group is full.
TEST(Master, AClientBeyondTheGroupIsRefusedAndOneThatLeavesIsLeftOut) {
  MasterRun master(1);
  master.start();
  const std::uint16_t port = master.port();
  ASSERT_NE(port, 0);
  RawSocket first = test::silent_client(port, 1);
  EXPECT_EQ(first.read_line(bounded()), "WELCOME BERKELEY/1 1 1");
  EXPECT_EQ(first.read_line(bounded()), "POLL 1");  // round 1 waits for its answer
  ClientRun extra(port, 2);
  EXPECT_EQ(extra.wait(), RunStatus::refused);
  EXPECT_NE(extra.err.str().find("master refused us: group full: 1 of 1 clients joined"), std::string::npos)
      << extra.err.str();
  first.close_now();
  master.wait();
  EXPECT_NE(master.log_text.text().find("(client 2): refused: group full"), std::string::npos)
      << master.log_text.text();
  EXPECT_NE(master.out_text.text().find("round 1: client 1 left out of this round: disconnected"), std::string::npos)
      << master.out_text.text();
}

// A client that never answers costs the round one timeout and is left out; the others are synchronized.
TEST(Master, ASilentClientIsLeftOutAndTheOthersFinish) {
  MasterRun master(2);
  master.config.timeout_ns = Nanoseconds{200'000'000};
  master.start();
  const std::uint16_t port = master.port();
  ASSERT_NE(port, 0);
  const RawSocket silent = test::silent_client(port, 2);
  ClientRun client(port, 1);
  EXPECT_EQ(client.wait(), RunStatus::ok) << client.err.str();
  master.wait();
  EXPECT_NE(master.out_text.text().find("round 1: client 2 left out of this round: no answer within " +
                                        format_duration(master.config.timeout_ns)),
            std::string::npos)
      << master.out_text.text();
  EXPECT_NE(client.out.str().find(": 1 adjustment(s)"), std::string::npos) << client.out.str();
}

// A client averaged in round 1 that is gone before the shared instant (killed, say): its clock is part of the
// group's time but cannot be read, so the residuals against the table's average are off by its share (here
// about 300 ms / 3); the run is judged by each clock's bound from the master and ends ok, saying so.
TEST(Master, AClientAveragedInRoundOneThatLeavesDoesNotFailTheVerdict) {
  MasterRun master(2);
  master.config.rounds = 2;
  master.config.clock.max_offset_ns = Nanoseconds{0};  // every simulated clock is CLOCK_MONOTONIC, as the hand
                                                       // client's (+ its 300 ms)
  master.start();
  const std::uint16_t port = master.port();
  ASSERT_NE(port, 0);
  RawSocket leaver = test::silent_client(port, 2);
  ASSERT_EQ(leaver.read_line(bounded()), "WELCOME BERKELEY/1 2 2");
  ClientRun client(port, 1, master.config.clock);
  // client 2 answers round 1 with CLOCK_MONOTONIC + 300 ms, takes its ADJUST and hangs up
  const auto monotonic_ns = [] {
    return std::chrono::duration_cast<Nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  for (;;) {
    const std::optional<std::string> line = leaver.read_line(bounded());
    ASSERT_TRUE(line.has_value()) << master.out_text.text() << master.log_text.text();
    if (line->rfind("ADJUST 1 ", 0) == 0) break;
    ASSERT_EQ(line->rfind("POLL ", 0), 0U) << *line;
    leaver.send_text("TIME " + line->substr(5) + " " + std::to_string(monotonic_ns() + 300'000'000) + "\n");
  }
  leaver.close_now();
  EXPECT_EQ(client.wait(), RunStatus::ok) << client.err.str();
  EXPECT_EQ(master.wait().status, RunStatus::ok) << master.out_text.text() << master.log_text.text();
  const std::string out = master.out_text.text();
  EXPECT_NE(out.find("round 2: client 2 left out of this round: disconnected"), std::string::npos) << out;
  EXPECT_NE(out.find("not measured: the group's average took the clock of client 2 in round 1"), std::string::npos)
      << out;
  EXPECT_NE(out.find(" of the master: ok"), std::string::npos) << out;
}

TEST(Master, CannotListenIsANetworkErrorSaidOnce) {
  {
    MasterRun master(1);
    master.config.bind_address = "nowhere";
    master.start();
    EXPECT_EQ(master.wait().status, RunStatus::network_error);
    EXPECT_EQ(master.log_text.text(), "berkeley_master: 'nowhere' is not an IP address\n");
    EXPECT_EQ(master.out_text.text(), "");
  }
  {
    const test::RawListener taken;
    MasterRun master(1);
    master.config.port = taken.port();
    master.start();
    EXPECT_EQ(master.wait().status, RunStatus::network_error);
    EXPECT_EQ(master.log_text.text().rfind(
                  "berkeley_master: cannot listen on 127.0.0.1:" + std::to_string(taken.port()) + ": ", 0),
              0U)
        << master.log_text.text();
    EXPECT_EQ(master.out_text.text(), "");
  }
}

// A report file that cannot be opened ends the run before it listens (no client is kept waiting for it).
TEST(Master, AReportFileThatCannotBeOpenedEndsTheRunFirst) {
  MasterRun master(1);
  master.config.json_path = "/nonexistent-directory/report.json";
  master.start();
  EXPECT_EQ(master.wait().status, RunStatus::output_error);
  EXPECT_EQ(master.out_text.text(), "");
  EXPECT_NE(master.log_text.text().find("berkeley_master"), std::string::npos) << master.log_text.text();
}

// SIGTERM while clients join: the run ends as interrupted by that signal, and the client that joined is told.
TEST(Master, ASignalWhileWaitingForClientsEndsTheRunAndTellsThem) {
  MasterRun master(2);
  master.start();
  const std::uint16_t port = master.port();  // the master watches signals before it listens
  ASSERT_NE(port, 0);
  ClientRun client(port, 1);
  ASSERT_TRUE(master.out_text.wait_for("client 1 joined", bounded())) << master.out_text.text();
  ASSERT_EQ(std::raise(SIGTERM), 0);
  const RunOutcome outcome = master.wait();
  EXPECT_EQ(outcome.status, RunStatus::interrupted);
  EXPECT_EQ(outcome.signal, SIGTERM);
  EXPECT_NE(
      master.log_text.text().find("interrupted (signal " + std::to_string(SIGTERM) + ") while waiting for clients"),
      std::string::npos)
      << master.log_text.text();
  EXPECT_EQ(client.wait(), RunStatus::network_error);
  EXPECT_NE(client.err.str().find("master reported an error: master interrupted"), std::string::npos)
      << client.err.str();
}

}  // namespace
}  // namespace berkeley::tcp
