// TcpGroupChannel over real loopback sockets in one process: clients held by run_load_clients (the same
// ClientSession as berkeley_client) on their own thread, and a hand-made silent client on a raw socket.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <sstream>
#include <thread>

#include "clock/corrected_clock.hpp"
#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "sync/measure.hpp"
#include "transport/tcp/connection.hpp"
#include "transport/tcp/load_clients.hpp"
#include "transport/tcp/lobby.hpp"
#include "transport/tcp/tcp_group_channel.hpp"

namespace berkeley::tcp {
namespace {

constexpr std::uint64_t kSeed = 5;
constexpr Nanoseconds kSecond{1'000'000'000};

struct Master {
  IoDriver io;
  MonotonicClock reference;
  CorrectedClock clock{reference};
  std::ostringstream log;
  Lobby lobby;

  explicit Master(std::int64_t clients, Nanoseconds hello_timeout = kSecond)
      : lobby(io, clock, log, LobbyConfig{clients, hello_timeout, 64}) {
    EXPECT_FALSE(lobby.listen("127.0.0.1", 0).has_value());
    lobby.start_accepting(nullptr);
  }
  // bounded setup, not a figure: joining on loopback takes milliseconds even on a loaded machine
  bool wait_full() {
    return io.run_until(deadline_after(10 * kSecond), [this] { return lobby.full(); });
  }
};

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

// a jthread: an ASSERT that returns early joins it (bounded by the load clients' 10 s) instead of std::terminate
std::jthread start_load(std::uint16_t port, std::int64_t first_id, std::int64_t count, LoadOutcome& outcome) {
  return std::jthread([=, &outcome] {
    LoadConfig config;
    config.port = port;
    config.first_id = first_id;
    config.count = count;
    config.clock.seed = kSeed;
    outcome = run_load_clients(config, 10 * kSecond);
  });
}

// a socket that joins as `id` and then never says another word
class SilentClient {
 public:
  // `then`: lines sent right after the HELLO, unasked
  SilentClient(std::uint16_t port, std::int64_t id, const std::string& then = "")
      : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    const std::string hello = "HELLO BERKELEY/1 " + std::to_string(id) + "\n" + then;
    EXPECT_EQ(send(fd_, hello.data(), hello.size(), 0), static_cast<ssize_t>(hello.size()));
  }
  ~SilentClient() { close(fd_); }
  SilentClient(const SilentClient&) = delete;
  SilentClient& operator=(const SilentClient&) = delete;

 private:
  int fd_;
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
    const Nanoseconds truth = draw_simulated_clock(kSeed, static_cast<std::uint64_t>(m), kSecond, 0.0).offset_ns;
    EXPECT_LE(std::abs((e.best.offset_ns - truth).count()), e.best.uncertainty_ns.count() + 1) << "client " << m;
    EXPECT_GE(e.samples_used, 4);
  }
  master.lobby.close_all("test over", kSecond, false);
  load.join();
  EXPECT_EQ(outcome.finished, 4) << outcome.first_failure;
}

TEST(TcpGroupChannel, ASilentClientCostsOneTimeoutAndTheOthersAreMeasured) {
  Master master(3);
  SilentClient silent(master.lobby.port(), 2);
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
  SilentClient eager(master.lobby.port(), 1, "TIME 1 123\n");
  ASSERT_TRUE(master.wait_full());
  TcpGroupChannel channel(master.io, master.lobby.members(), master.clock, kSecond);
  EXPECT_FALSE(channel.exchange(1).has_value());
  EXPECT_NE(channel.last_failure(1).find("dropped: TIME 1 before POLL 1 was sent"), std::string::npos)
      << channel.last_failure(1);
  master.lobby.close_all("test over", Nanoseconds{100'000'000}, false);
}

// A peer dropped for a fault: every listener call from then on sees why (not a generic "closed by the
// master"), and the peer is told ERROR <reason> before its connection closes.
TEST(Connection, ListenersSeeTheReasonAPeerWasDroppedFor) {
  namespace asio = boost::asio;
  IoDriver io;
  MonotonicClock clock;
  std::ostringstream log;
  asio::ip::tcp::acceptor acceptor(io.context(), asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  asio::ip::tcp::socket peer(io.context());
  peer.connect(acceptor.local_endpoint());
  const auto connection = std::make_shared<Connection>(acceptor.accept(), clock, log);
  std::vector<std::string> seen;  // close_reason() at every call after the connection stopped being open
  connection->start([&seen](Connection& c) {
    if (!c.open()) seen.push_back(c.close_reason());
  });
  connection->fail("test fault");
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(connection->state(), Connection::State::closing);
  // the peer never hangs up: the connection closes when its grace ends (250 ms; the 10 s bound is a
  // bound on the wait, not a figure, and an ASSERT so that the blocking read below cannot hang)
  ASSERT_TRUE(
      io.run_until(deadline_after(10 * kSecond), [&] { return connection->state() == Connection::State::closed; }));
  EXPECT_GE(seen.size(), 2U);
  for (const std::string& reason : seen) EXPECT_EQ(reason, "dropped: test fault");
  EXPECT_NE(log.str().find("dropped: test fault"), std::string::npos) << log.str();
  std::string received(64, '\0');
  boost::system::error_code error;
  received.resize(asio::read(peer, asio::buffer(received), error));
  EXPECT_EQ(error, asio::error::eof);
  EXPECT_EQ(received, "ERROR test fault\n");
}

// After SIGINT/SIGTERM every wait ends at once, but a bounded flush still runs (the peers are told why).
// A wait never ends before its deadline unless something ends it: ending before the deadline is what
// shows the signal ended it, whatever the load (a wait that ran to its deadline took at least that long).
TEST(IoDriver, ASignalEndsEveryWaitButNotABoundedFlush) {
  IoDriver io;
  io.watch_signals();
  ASSERT_EQ(std::raise(SIGTERM), 0);
  constexpr auto kWait = std::chrono::seconds(5);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(io.run_until(deadline_after(Nanoseconds{kWait}), [] { return false; }));
  EXPECT_EQ(io.interrupted_by(), SIGTERM);
  EXPECT_LT(std::chrono::steady_clock::now() - started, kWait)
      << "the wait ran to its deadline: the signal did not end it";
  bool fired = false;
  boost::asio::steady_timer later(io.context(), std::chrono::milliseconds(50));
  later.async_wait([&fired](const boost::system::error_code& error) { fired = !error; });
  EXPECT_TRUE(io.flush_until(deadline_after(10 * kSecond), [&fired] { return fired; }));
  // and still bounded: it ends at its 100 ms deadline with work pending that would keep it 10 s (the
  // 5 s cap between the two is coarse: no loaded machine turns 100 ms into 5 s)
  const auto flush_started = std::chrono::steady_clock::now();
  boost::asio::steady_timer pending(io.context(), std::chrono::seconds(10));
  pending.async_wait([](const boost::system::error_code&) {});
  EXPECT_FALSE(io.flush_until(deadline_after(Nanoseconds{100'000'000}), [] { return false; }));
  EXPECT_LT(std::chrono::steady_clock::now() - flush_started, std::chrono::seconds(5));
  pending.cancel();
  io.flush_until(deadline_after(Nanoseconds{100'000'000}), [] { return false; });  // runs the cancelled handler
}

// A second signal during that flush ends it: a peer that never hangs up must not hold a user who presses
// Ctrl-C again for the whole grace (the signal wait is re-armed after each signal, so none is swallowed).
TEST(IoDriver, ASecondSignalEndsTheFlush) {
  IoDriver io;
  io.watch_signals();
  ASSERT_EQ(std::raise(SIGTERM), 0);
  EXPECT_FALSE(io.run_until(deadline_after(2 * kSecond), [] { return false; }));
  ASSERT_EQ(io.interrupted_by(), SIGTERM);
  boost::asio::steady_timer again(io.context(), std::chrono::milliseconds(50));
  again.async_wait([](const boost::system::error_code& error) {
    if (!error) std::raise(SIGINT);
  });
  constexpr auto kGrace = std::chrono::seconds(5);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(io.flush_until(deadline_after(Nanoseconds{kGrace}), [] { return false; }));
  // ended before the grace did (a flush that ran to its deadline took at least that long): by the signal
  EXPECT_LT(std::chrono::steady_clock::now() - started, kGrace);
  EXPECT_EQ(io.interrupted_by(), SIGINT);
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
      config.clock.seed = kSeed;
      extra = run_load_clients(config, 10 * kSecond);
      over = true;
    });
    // refused, not queued: the client is told why (a queued one would end at its 10 s limit, "still
    // running"). The loop serves the master until the client ended, bounded beyond that limit; the flag is
    // set by another thread, which does not wake the loop: look at it every 10 ms
    const SteadyTime deadline = deadline_after(15 * kSecond);
    while (!over && std::chrono::steady_clock::now() < deadline) master.io.run_for(Nanoseconds{10'000'000});
    EXPECT_TRUE(over);
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

}  // namespace
}  // namespace berkeley::tcp
