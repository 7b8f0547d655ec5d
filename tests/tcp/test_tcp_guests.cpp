// TcpGuests (transport/tcp/tcp_guests): TCP clients as guests of an MPI sync group, over loopback in this
// process. The clients are run_client (berkeley_client's whole run) on threads, or raw sockets that say what a
// test wants; every clock is simulated on this process's CLOCK_MONOTONIC (the master's too), so every claim
// is checked against the truth: a client's offset is its drawn offset less the master's, and a reading at the
// shared instant is exact. join() prints the port it listens on (port 0): the test starts its clients from
// that line, on join()'s own thread, so nothing races the listening socket.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <sstream>
#include <stop_token>
#include <streambuf>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "clock/clock_domain.hpp"
#include "clock/corrected_clock.hpp"
#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "core/duration_text.hpp"
#include "tcp/loopback_support.hpp"
#include "transport/tcp/client.hpp"
#include "transport/tcp/tcp_guests.hpp"

namespace berkeley::tcp {
namespace {

using test::bounded;
using test::kBound;
using test::kSecond;
using test::RawSocket;

constexpr std::uint64_t kSeed = 23;
constexpr Nanoseconds kMasterOffset{300'000'000};
constexpr Nanoseconds kLead{20'000'000};

Nanoseconds drawn_offset(std::int64_t id) {
  return draw_simulated_clock(kSeed, static_cast<std::uint64_t>(id), kSecond, 0.0).offset_ns;
}

// Hands every complete line written to it to `on_line` (join() prints the endpoint, then flushes).
class LineSink final : public std::streambuf {
 public:
  explicit LineSink(std::function<void(const std::string&)> on_line) : on_line_(std::move(on_line)) {}
  [[nodiscard]] const std::vector<std::string>& lines() const { return lines_; }

 protected:
  int overflow(int c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    if (traits_type::to_char_type(c) != '\n') {
      line_.push_back(traits_type::to_char_type(c));
      return c;
    }
    lines_.push_back(std::exchange(line_, {}));
    on_line_(lines_.back());
    return c;
  }

 private:
  std::function<void(const std::string&)> on_line_;
  std::string line_;
  std::vector<std::string> lines_;
};

using test::ClientRun;

// the clients' clocks: simulated, drawn from (kSeed, id)
ClockChoice drawn_clocks() {
  ClockChoice clock;
  clock.seed = kSeed;
  return clock;
}

// A hand-played client on its own thread: joins as `id`, answers every POLL from a clock at `offset` from
// CLOCK_MONOTONIC (exactly a simulated clock), and never answers a PROBE. Stops at the end of the stream or
// when destroyed.
class PollsOnlyClient {
 public:
  PollsOnlyClient(std::uint16_t port, std::int64_t id, Nanoseconds offset)
      : thread_([socket = test::silent_client(port, id), offset](const std::stop_token& stop) mutable {
          const MonotonicClock clock;
          while (!stop.stop_requested()) {
            const SteadyTime deadline = deadline_after(Nanoseconds{50'000'000});
            const std::optional<std::string> line = socket.read_line(deadline);
            if (!line) {
              // back well before the deadline (read_line gives up within its last millisecond): the end
              if (std::chrono::steady_clock::now() + std::chrono::milliseconds(5) < deadline) return;
              continue;
            }
            if (line->rfind("POLL ", 0) != 0) continue;
            const std::string seq = line->substr(5);
            socket.send_text("TIME " + seq + " " + std::to_string(reading_ns(clock.now() + offset)) + "\n");
          }
        }) {}

 private:
  std::jthread thread_;
};

// The master's side: its clock (simulated at kMasterOffset, corrected), the guests, and whatever clients a
// test starts once the port is known. Declared in this order, the guests are destroyed (BYE) before the
// clients are joined.
class TcpGuestsOnLoopback : public ::testing::Test {
 protected:
  MonotonicClock reference;
  SimulatedClock master_local{reference, SimulatedClockParams{kMasterOffset, 0.0}, reference.now()};
  CorrectedClock master{master_local};
  std::vector<std::unique_ptr<ClientRun>> clients;
  std::vector<RawSocket> raw;
  std::vector<std::unique_ptr<PollsOnlyClient>> polls_only;
  std::string endpoint;  // as join() printed it
  std::function<void(std::uint16_t port)> on_port;
  LineSink sink{[this](const std::string& line) {
    const std::string marker = "serving TCP clients on ";
    const std::size_t at = line.find(marker);
    if (at == std::string::npos || !endpoint.empty()) return;
    endpoint = line.substr(at + marker.size(), line.find(',', at) - at - marker.size());
    if (on_port) on_port(static_cast<std::uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':') + 1))));
  }};
  std::ostream out{&sink};
  std::ostringstream log;
  std::unique_ptr<TcpGuests> guests;

  TcpGuests& make_guests(std::int64_t count, Nanoseconds timeout = kBound, Nanoseconds join_timeout = kBound) {
    GuestConfig config;
    config.clients = count;
    config.port = 0;
    config.timeout_ns = timeout;
    config.join_timeout_ns = join_timeout;
    guests = std::make_unique<TcpGuests>(config, master, reference, out, log);
    return *guests;
  }
  void start_clients(std::int64_t first_id, std::int64_t count) {
    on_port = [this, first_id, count](std::uint16_t port) {
      for (std::int64_t id = first_id; id < first_id + count; ++id)
        clients.push_back(std::make_unique<ClientRun>(port, id, drawn_clocks()));
    };
  }
  // the truth: guest (client id) `id`'s clock less the master's, with the corrections each was given
  [[nodiscard]] Nanoseconds true_offset(std::int64_t id, Nanoseconds sent) const {
    return drawn_offset(id) + sent - (kMasterOffset + master.total_correction());
  }
  // the master's clock read at `instant` of the reference, as berkeley_mpi's rank 0 reads it
  [[nodiscard]] InstantObservation master_at(ClockReading instant) const {
    InstantObservation o;
    o.raw_ns = master_local.at_reference(instant);
    o.corrected_ns = master.corrected(o.raw_ns);
    return o;
  }
};

// The step a rank 0 with `ranks` ranks (all at offset 0 from it, for this test) would take over ranks + guests.
GroupStep step_with_ranks(const GroupEstimates& guest_estimates, int ranks) {
  GroupEstimates all;
  for (int r = 0; r < ranks; ++r) all.emplace_back(PeerEstimate{});
  all.insert(all.end(), guest_estimates.begin(), guest_estimates.end());
  return berkeley_step_over(all, 2 * kSecond);
}

TEST_F(TcpGuestsOnLoopback, JoinAdmitsEveryClientAndSaysWhoAndWhereEachIs) {
  TcpGuests& g = make_guests(3);
  start_clients(1, 3);
  ASSERT_EQ(g.join(), std::nullopt) << log.str();
  EXPECT_EQ(g.endpoint_text(), endpoint);
  EXPECT_EQ(endpoint.rfind("127.0.0.1:", 0), 0U) << endpoint;
  ASSERT_EQ(g.size(), 3);
  int joined_lines = 0;
  for (const std::string& line : sink.lines()) joined_lines += line.rfind("client ", 0) == 0 ? 1 : 0;
  EXPECT_EQ(joined_lines, 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(g.id(i), i + 1);  // by client id, whatever order they joined in
    EXPECT_EQ(g.host(i), this_host_name());
    EXPECT_EQ(g.clock_domain(i), monotonic_clock_domain());  // as each HELLO stated
    EXPECT_EQ(g.failure(i), "");
  }
  g.close("test over");
  for (const auto& c : clients) {
    EXPECT_EQ(c->wait(), RunStatus::ok) << c->err.str();
    EXPECT_NE(c->out.str().find("session over (test over)"), std::string::npos) << c->out.str();
  }
}

// Too few join in time: the message names the counts, and the one that joined is told why (ERROR).
TEST_F(TcpGuestsOnLoopback, JoinRefusesWhenTooFewJoinInTimeNamingTheCounts) {
  const Nanoseconds join_timeout{300'000'000};
  TcpGuests& g = make_guests(2, kSecond, join_timeout);
  // connected and HELLO sent before join() serves its first event: admitted whatever the load
  on_port = [this](std::uint16_t port) { raw.push_back(test::silent_client(port, 1)); };
  EXPECT_EQ(g.join(), "only 1 of 2 TCP clients joined within " + format_duration(join_timeout));
  ASSERT_EQ(raw.size(), 1U);
  EXPECT_EQ(raw[0].read_line(bounded()), "WELCOME BERKELEY/1 1 2");
  EXPECT_EQ(raw[0].read_line(bounded()), "ERROR not enough clients joined");
  guests.reset();  // whatever the grace left open is closed now
  EXPECT_TRUE(raw[0].read_to_eof(bounded()).eof);
}

TEST_F(TcpGuestsOnLoopback, JoinRefusesWhenNobodyJoins) {
  const Nanoseconds join_timeout{100'000'000};
  TcpGuests& g = make_guests(1, kSecond, join_timeout);
  EXPECT_EQ(g.join(), "only 0 of 1 TCP clients joined within " + format_duration(join_timeout));
}

// Two rounds as rank 0 of a group of two ranks runs them: each measurement holds the true offset against the
// master's (corrected) clock, the corrections add up on the clients, a guest the step leaves out is sent
// nothing, the audit holds the truth, and the readings at the shared instant are the truth exactly.
TEST_F(TcpGuestsOnLoopback, RoundsMeasureAndCorrectEveryGuestAndTheReadingsAreTheTruth) {
  constexpr int kRanks = 2;
  constexpr int kGuests = 3;
  TcpGuests& g = make_guests(kGuests);
  start_clients(1, kGuests);
  ASSERT_EQ(g.join(), std::nullopt) << log.str();
  std::vector<Nanoseconds> sent(kGuests, Nanoseconds{0});
  GroupEstimates last;
  for (int round = 1; round <= 2; ++round) {
    if (round > 1) g.wait(Nanoseconds{10'000'000});
    const GroupEstimates estimates = g.measure();
    ASSERT_EQ(estimates.size(), static_cast<std::size_t>(kGuests));
    for (int i = 0; i < kGuests; ++i) {
      const auto gi = static_cast<std::size_t>(i);
      ASSERT_TRUE(estimates[gi].has_value()) << "round " << round << " guest " << i << ": " << g.failure(i);
      const OffsetEstimate& e = estimates[gi]->best;
      const Nanoseconds truth = true_offset(g.id(i), sent[gi]);
      EXPECT_LE(std::abs((e.offset_ns - truth).count()), e.uncertainty_ns.count() + 1)
          << "round " << round << " guest " << i << ": estimate " << e.offset_ns.count() << " +- "
          << e.uncertainty_ns.count() << " ns, truth " << truth.count() << " ns";
    }
    GroupStep step = step_with_ranks(estimates, kRanks);
    // round 2: the step leaves guest 1 out (as if it had not answered): it must be sent nothing
    if (round == 2) step.answered[kRanks + 1] = false;
    g.deliver(step, kRanks);
    master.apply(step.step.corrections_ns[0]);  // rank 0 corrects its own clock, as the round does
    for (int i = 0; i < kGuests; ++i) {
      const auto gi = static_cast<std::size_t>(i);
      if (step.answered[kRanks + gi]) sent[gi] += step.step.corrections_ns[kRanks + gi];
    }
    last = estimates;
  }

  // the audit: a different estimator, each interval holds the truth (1 ns of integer rounding aside)
  const std::vector<std::optional<AuditEstimate>> audits = g.audit(8);
  ASSERT_EQ(audits.size(), static_cast<std::size_t>(kGuests));
  for (int i = 0; i < kGuests; ++i) {
    const auto gi = static_cast<std::size_t>(i);
    ASSERT_TRUE(audits[gi].has_value()) << "guest " << i << ": " << g.failure(i);
    const Nanoseconds truth = true_offset(g.id(i), sent[gi]);
    EXPECT_LE(std::abs((audits[gi]->residual_ns - truth).count()), audits[gi]->uncertainty_ns.count() + 1)
        << "guest " << i << ": audit " << audits[gi]->residual_ns.count() << " +- "
        << audits[gi]->uncertainty_ns.count() << " ns, truth " << truth.count() << " ns";
    EXPECT_TRUE(audits[gi]->consistent) << "guest " << i;
    EXPECT_EQ(audits[gi]->samples, 8) << "guest " << i;
  }

  // the shared instant: every client reads its simulated clock there exactly, before and after its corrections
  const ClockReading instant = reference.now() + kLead;
  g.ask_to_read_at(instant);
  const InstantObservation own = master_at(instant);
  const std::vector<std::optional<InstantObservation>> readings = g.readings(own);
  ASSERT_EQ(readings.size(), static_cast<std::size_t>(kGuests));
  for (int i = 0; i < kGuests; ++i) {
    const auto gi = static_cast<std::size_t>(i);
    ASSERT_TRUE(readings[gi].has_value()) << "guest " << i << ": " << g.failure(i);
    EXPECT_EQ(readings[gi]->raw_ns, instant + drawn_offset(g.id(i))) << "guest " << i;
    EXPECT_EQ(readings[gi]->corrected_ns, readings[gi]->raw_ns + sent[gi]) << "guest " << i;
    EXPECT_EQ(readings[gi]->read_window_ns, Nanoseconds{0});
    // what the last round promised: a guest it corrected is within its estimate's uncertainty of the master
    if (i != 1) {
      const Nanoseconds from_master = readings[gi]->corrected_ns - own.corrected_ns;
      EXPECT_LE(std::abs(from_master.count()), last[gi]->best.uncertainty_ns.count() + 1)
          << "guest " << i << ": " << from_master.count() << " ns from the master";
    }
    EXPECT_EQ(g.failure(i), "");
  }
  EXPECT_EQ(log.str(), "");  // every client's total is what it was sent

  g.close("2 round(s) done");
  for (const auto& c : clients) {
    EXPECT_EQ(c->wait(), RunStatus::ok) << c->err.str();
    EXPECT_NE(c->out.str().find("session over (2 round(s) done)"), std::string::npos) << c->out.str();
  }
}

// After a drift fit each guest is given its correction in all: it is sent what it lacks of it, in an ADJUST of
// a later round (a client takes each round number once), and a guest given nullopt is left as it is. The
// clients' clocks at the shared instant show exactly that total.
TEST_F(TcpGuestsOnLoopback, CorrectInAllSendsEachGuestWhatItLacksOfItsTotal) {
  TcpGuests& g = make_guests(3);
  start_clients(1, 3);
  ASSERT_EQ(g.join(), std::nullopt) << log.str();
  const GroupEstimates estimates = g.measure();
  const GroupStep step = step_with_ranks(estimates, 1);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(step.answered[1 + static_cast<std::size_t>(i)]) << g.failure(i);
  g.deliver(step, 1);
  master.apply(step.step.corrections_ns[0]);
  const std::vector<std::optional<Nanoseconds>> totals{Nanoseconds{123'456}, std::nullopt, Nanoseconds{-7'000'000}};
  g.correct_in_all(totals);

  const ClockReading instant = reference.now() + kLead;
  g.ask_to_read_at(instant);
  const std::vector<std::optional<InstantObservation>> readings = g.readings(master_at(instant));
  ASSERT_EQ(readings.size(), 3U);
  for (int i = 0; i < 3; ++i) {
    const auto gi = static_cast<std::size_t>(i);
    ASSERT_TRUE(readings[gi].has_value()) << "guest " << i << ": " << g.failure(i);
    const Nanoseconds expected = totals[gi] ? *totals[gi] : step.step.corrections_ns[1 + gi];
    EXPECT_EQ(readings[gi]->corrected_ns - readings[gi]->raw_ns, expected) << "guest " << i;
  }
  EXPECT_EQ(log.str(), "");  // every client's total is what the master counts as sent
  g.close("done");
  for (std::size_t i = 0; i < clients.size(); ++i) {
    EXPECT_EQ(clients[i]->wait(), RunStatus::ok) << clients[i]->err.str();
    const std::string adjusted = i == 1 ? "1 adjustment(s)" : "2 adjustment(s)";
    EXPECT_NE(clients[i]->out.str().find(adjusted), std::string::npos) << clients[i]->out.str();
  }
}

// A silent guest is left out of the round with the reason, and keeps that reason through the audit and the
// instant (it says more than what came after); a guest that answered the round but not the PROBE gets the
// PROBE's reason; the others are measured and read exactly.
TEST_F(TcpGuestsOnLoopback, ASilentGuestIsLeftOutAndKeepsTheRoundsReason) {
  const Nanoseconds timeout{500'000'000};
  TcpGuests& g = make_guests(3, timeout);
  on_port = [this](std::uint16_t port) {
    clients.push_back(std::make_unique<ClientRun>(port, 1, drawn_clocks()));
    raw.push_back(test::silent_client(port, 2));
    polls_only.push_back(std::make_unique<PollsOnlyClient>(port, 3, drawn_offset(3)));
  };
  ASSERT_EQ(g.join(), std::nullopt) << log.str();
  const std::string no_answer = "no answer within " + format_duration(timeout);

  const GroupEstimates estimates = g.measure();
  ASSERT_EQ(estimates.size(), 3U);
  ASSERT_TRUE(estimates[0].has_value()) << g.failure(0);
  EXPECT_FALSE(estimates[1].has_value());
  ASSERT_TRUE(estimates[2].has_value()) << g.failure(2);
  EXPECT_EQ(g.failure(0), "");
  EXPECT_EQ(g.failure(1), no_answer);
  EXPECT_EQ(g.failure(2), "");
  for (const int i : {0, 2}) {
    const OffsetEstimate& e = estimates[static_cast<std::size_t>(i)]->best;
    const Nanoseconds truth = true_offset(g.id(i), Nanoseconds{0});
    EXPECT_LE(std::abs((e.offset_ns - truth).count()), e.uncertainty_ns.count() + 1) << "guest " << i;
  }
  const GroupStep step = step_with_ranks(estimates, 1);
  EXPECT_FALSE(step.answered[1 + 1]);
  g.deliver(step, 1);
  master.apply(step.step.corrections_ns[0]);

  const std::vector<std::optional<AuditEstimate>> audits = g.audit(4);
  EXPECT_TRUE(audits[0].has_value());
  EXPECT_FALSE(audits[1].has_value());
  EXPECT_TRUE(audits[2].has_value());
  EXPECT_EQ(g.failure(1), no_answer);  // the rounds' reason, not the audit's

  const ClockReading instant = reference.now() + kLead;
  g.ask_to_read_at(instant);
  const std::vector<std::optional<InstantObservation>> readings = g.readings(master_at(instant));
  ASSERT_EQ(readings.size(), 3U);
  ASSERT_TRUE(readings[0].has_value()) << g.failure(0);
  EXPECT_EQ(readings[0]->raw_ns, instant + drawn_offset(1));
  EXPECT_EQ(readings[0]->corrected_ns, readings[0]->raw_ns + step.step.corrections_ns[1]);
  EXPECT_FALSE(readings[1].has_value());
  EXPECT_EQ(g.failure(1), no_answer);  // still the rounds' reason
  EXPECT_FALSE(readings[2].has_value());
  EXPECT_EQ(g.failure(2), "no READING within " + format_duration(timeout) + " of the instant");

  g.close("test over");
  EXPECT_EQ(clients[0]->wait(), RunStatus::ok) << clients[0]->err.str();
}

}  // namespace
}  // namespace berkeley::tcp
