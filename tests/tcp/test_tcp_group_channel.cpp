// TcpGroupChannel over real loopback sockets in one process: clients held by run_load_clients (the same
// ClientSession as berkeley_client) on their own thread, and a hand-made silent client on a raw socket.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "clock/simulated_clock.hpp"
#include "sync/measure.hpp"
#include "tcp/loopback_support.hpp"
#include "transport/tcp/connection.hpp"
#include "transport/tcp/tcp_group_channel.hpp"

namespace berkeley::tcp {
namespace {

using test::kSecond;
using test::start_load;
using Master = test::LobbyMaster;

// Counts the exchanges a measurement asks of each member, so that what a silent member costs is a count
// (how many times it was waited for), not a duration that a busy machine stretches.
class CountingChannel final : public GroupChannel {
 public:
  explicit CountingChannel(GroupChannel& inner)
      : inner_(inner), exchanges_(static_cast<std::size_t>(inner.size()), 0) {}
  [[nodiscard]] int size() const override { return inner_.size(); }
  [[nodiscard]] std::optional<OffsetSample> exchange(int member) override {
    ++exchanges_[static_cast<std::size_t>(member)];
    return inner_.exchange(member);
  }
  void prepare(int member) override { inner_.prepare(member); }
  void release(int member) override { inner_.release(member); }
  [[nodiscard]] int exchanges(int member) const { return exchanges_[static_cast<std::size_t>(member)]; }

 private:
  GroupChannel& inner_;
  std::vector<int> exchanges_;
};

TEST(TcpGroupChannel, PingpongFindsEveryClientsTrueOffsetWithinItsUncertainty) {
  Master master(4);
  LoadOutcome outcome;
  std::jthread load = start_load(master.lobby.port(), 1, 4, outcome);
  ASSERT_TRUE(master.wait_full());
  std::vector<Member> members = master.lobby.members();
  std::sort(members.begin(), members.end(), [](const Member& a, const Member& b) { return a.client_id < b.client_id; });
  TcpGroupChannel channel(master.io, members, master.clock, kSecond);
  const GroupEstimates estimates = measure_pingpong(channel, PingPongPolicy{});
  ASSERT_EQ(estimates.size(), 5U);
  for (int m = 1; m < 5; ++m) {
    ASSERT_TRUE(estimates[static_cast<std::size_t>(m)].has_value()) << channel.last_failure(m);
    const PeerEstimate& e = *estimates[static_cast<std::size_t>(m)];
    // the master's clock is the reference itself, so a client's true offset is its drawn offset
    const Nanoseconds truth =
        draw_simulated_clock(test::kLoadSeed, static_cast<std::uint64_t>(m), kSecond, 0.0).offset_ns;
    EXPECT_LE(std::abs((e.best.offset_ns - truth).count()), e.best.uncertainty_ns.count() + 1) << "client " << m;
    EXPECT_GE(e.samples_used, 4);
  }
  master.lobby.close_all("test over", kSecond, false);
  load.join();
  EXPECT_EQ(outcome.finished, 4) << outcome.first_failure;
}

TEST(TcpGroupChannel, ASilentClientCostsOneTimeoutAndTheOthersAreMeasured) {
  Master master(3);
  const test::RawSocket silent = test::silent_client(master.lobby.port(), 2);
  LoadOutcome outcome;
  std::jthread load1 = start_load(master.lobby.port(), 1, 1, outcome);
  LoadOutcome outcome3;
  std::jthread load3 = start_load(master.lobby.port(), 3, 1, outcome3);
  ASSERT_TRUE(master.wait_full());
  std::vector<Member> members = master.lobby.members();
  std::sort(members.begin(), members.end(), [](const Member& a, const Member& b) { return a.client_id < b.client_id; });
  const Nanoseconds timeout{200'000'000};
  TcpGroupChannel channel(master.io, members, master.clock, timeout);
  CountingChannel counted(channel);
  const PingPongPolicy policy;
  const auto started = std::chrono::steady_clock::now();
  const GroupEstimates estimates = measure_pingpong(counted, policy);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(estimates[1].has_value());
  EXPECT_FALSE(estimates[2].has_value());
  EXPECT_TRUE(estimates[3].has_value());
  EXPECT_NE(channel.last_failure(2).find("no answer within 200.000000 ms"), std::string::npos)
      << channel.last_failure(2);
  // one timeout, not one per exchange: the silent member is asked once and waited for once
  EXPECT_EQ(counted.exchanges(2), 1);
  EXPECT_GE(took, std::chrono::milliseconds(200));  // and that one wait was the whole timeout (never shorter)
  // the members after it are still measured in full
  EXPECT_GE(counted.exchanges(1), policy.min_exchanges);
  EXPECT_GE(counted.exchanges(3), policy.min_exchanges);
  master.lobby.close_all("test over", Nanoseconds{100'000'000}, false);  // the silent one never hangs up
  load1.join();
  load3.join();
  EXPECT_EQ(outcome.finished + outcome3.finished, 2) << outcome.first_failure << outcome3.first_failure;
}

// A client that answers its first poll too late: that exchange is lost, and the late answer is never taken
// for the answer to the next poll (a classic mix-up: it would give an offset off by a whole timeout).
TEST(TcpGroupChannel, ALateAnswerIsNotMistakenForTheNextOne) {
  Master master(1);
  std::atomic<bool> stop{false};
  // the client holds its answer to POLL 1 until the test says so, after that exchange timed out: late
  // by construction, not by a sleep racing the timeout on a busy machine
  std::atomic<bool> answer_late{false};
  // the readings are the master's own clock (CLOCK_MONOTONIC) plus 1 s per seq: within the protocol's
  // offset limit whatever the host's uptime, and a mix-up of polls shows as a whole second
  const std::int64_t base_ns = reading_ns(master.reference.now());
  std::jthread late_client([port = master.lobby.port(), &stop, &answer_late, base_ns] {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval bounded{0, 100'000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bounded, sizeof bounded);
    if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) return;
    const std::string hello = "HELLO BERKELEY/1 1\n";
    send(fd, hello.data(), hello.size(), 0);
    std::string pending;
    int polls = 0;
    while (!stop) {
      char buffer[256];
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n == 0) break;
      if (n < 0) continue;  // the bounded wait expired: look at `stop` again
      pending.append(buffer, static_cast<std::size_t>(n));
      for (std::size_t end; (end = pending.find('\n')) != std::string::npos; pending.erase(0, end + 1)) {
        const std::string line = pending.substr(0, end);
        if (line.rfind("POLL ", 0) != 0) continue;
        const long long seq = std::stoll(line.substr(5));
        if (++polls == 1) {
          while (!answer_late && !stop) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        const std::string reply =
            "TIME " + std::to_string(seq) + " " + std::to_string(base_ns + seq * 1'000'000'000LL) + "\n";
        send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
      }
    }
    close(fd);
  });
  // however the test ends (an ASSERT included), the client stops before it is joined
  const struct StopOnExit {
    std::atomic<bool>& flag;
    ~StopOnExit() { flag = true; }
  } stop_on_exit{stop};
  ASSERT_TRUE(master.wait_full());
  // 1 s: what the answer to POLL 2 is allowed; the answer to POLL 1 never comes within it
  TcpGroupChannel channel(master.io, master.lobby.members(), master.clock, kSecond);
  EXPECT_FALSE(channel.exchange(1).has_value());
  EXPECT_NE(channel.last_failure(1).find("no answer within"), std::string::npos);
  answer_late = true;
  // the late TIME 1 is in before POLL 2 goes out (bounded: it is sent at once)
  Connection& connection = *master.lobby.members().front().connection;
  ASSERT_TRUE(master.io.run_until(deadline_after(10 * kSecond), [&] { return !connection.inbox().empty(); }));
  channel.begin_round();
  const std::optional<OffsetSample> second = channel.exchange(1);
  ASSERT_TRUE(second.has_value()) << channel.last_failure(1);
  EXPECT_EQ(second->t_remote_ns, at_ns(base_ns + 2'000'000'000));  // the answer to POLL 2, not the late one
  stop = true;
  master.lobby.close_all("test over", kSecond, false);
  late_client.join();
}

// An answer sent before the question would give a negative round trip: never taken, the sender is dropped.
TEST(TcpGroupChannel, AnAnswerBeforeItsPollIsAFault) {
  Master master(1);
  const test::RawSocket eager = test::silent_client(master.lobby.port(), 1, "TIME 1 123\n");
  ASSERT_TRUE(master.wait_full());
  TcpGroupChannel channel(master.io, master.lobby.members(), master.clock, kSecond);
  EXPECT_FALSE(channel.exchange(1).has_value());
  EXPECT_NE(channel.last_failure(1).find("dropped: TIME 1 before POLL 1 was sent"), std::string::npos)
      << channel.last_failure(1);
  master.lobby.close_all("test over", Nanoseconds{100'000'000}, false);
}

}  // namespace
}  // namespace berkeley::tcp
