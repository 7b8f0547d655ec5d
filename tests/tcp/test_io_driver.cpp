// IoDriver (transport/tcp/io_driver): the bounded waits every master and client wait with. What it promises
// is checked without timing figures: a wait ends when its condition holds, never before its deadline unless
// something ends it (the condition, a signal, no work left), and a pause lasts at least as long as asked.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>

#include "transport/tcp/io_driver.hpp"

namespace berkeley::tcp {
namespace {

constexpr Nanoseconds kSecond{1'000'000'000};

TEST(IoDriver, AConditionThatAlreadyHoldsEndsTheWaitWithoutRunningAnything) {
  IoDriver io;
  bool ran = false;
  boost::asio::post(io.context(), [&ran] { ran = true; });
  EXPECT_TRUE(io.run_until(deadline_after(kSecond), [] { return true; }));
  EXPECT_FALSE(ran);  // done() is looked at before any handler runs
  EXPECT_EQ(io.interrupted_by(), 0);
}

// Handlers run until the condition holds; a loop that ran out of work once serves again (it restarts itself).
TEST(IoDriver, RunsHandlersUntilTheConditionHolds) {
  IoDriver io;
  int count = 0;
  for (int i = 0; i < 3; ++i) boost::asio::post(io.context(), [&count] { ++count; });
  EXPECT_TRUE(io.run_until(deadline_after(30 * kSecond), [&count] { return count == 3; }));
  EXPECT_FALSE(io.run_until(deadline_after(30 * kSecond), [] { return false; }));  // out of work
  boost::asio::post(io.context(), [&count] { ++count; });
  EXPECT_TRUE(io.run_until(deadline_after(30 * kSecond), [&count] { return count == 4; }));
  // a condition made true by a timer's handler, while the loop blocks in the reactor between events
  boost::asio::steady_timer timer(io.context(), std::chrono::milliseconds(5));
  timer.async_wait([&count](const boost::system::error_code& error) { count += error ? 0 : 10; });
  EXPECT_TRUE(io.run_until(deadline_after(30 * kSecond), [&count] { return count == 14; }));
}

// No work left that could make the condition true: the wait ends (false) at once rather than at its
// deadline; a wait of a minute that returns within this test's 30 s ctest timeout did not run to it.
TEST(IoDriver, AWaitWithNothingLeftToRunEndsBeforeItsDeadline) {
  IoDriver io;
  const SteadyTime deadline = deadline_after(60 * kSecond);
  EXPECT_FALSE(io.run_until(deadline, [] { return false; }));
  EXPECT_LT(std::chrono::steady_clock::now(), deadline);
}

// With work pending that would keep it longer, the wait ends at its deadline: never before it.
TEST(IoDriver, AWaitWithWorkPendingEndsAtItsDeadlineNeverBefore) {
  IoDriver io;
  bool fired = false;
  boost::asio::steady_timer later(io.context(), std::chrono::seconds(20));
  later.async_wait([&fired](const boost::system::error_code& error) { fired = !error; });
  const SteadyTime deadline = deadline_after(Nanoseconds{50'000'000});
  EXPECT_FALSE(io.run_until(deadline, [&fired] { return fired; }));
  EXPECT_GE(std::chrono::steady_clock::now(), deadline);
  EXPECT_FALSE(fired);
  later.cancel();
  io.run_until(deadline_after(kSecond), [] { return false; });  // runs the cancelled handler
}

// A timer due within the pause fires during it; and the pause is kept whole even with nothing to serve.
TEST(IoDriver, RunForServesTheLoopAndKeepsThePauseEvenWithoutWork) {
  IoDriver io;
  bool fired = false;
  boost::asio::steady_timer soon(io.context(), std::chrono::milliseconds(10));
  soon.async_wait([&fired](const boost::system::error_code& error) { fired = !error; });
  const Nanoseconds pause{100'000'000};
  const auto started = std::chrono::steady_clock::now();
  io.run_for(pause);
  EXPECT_TRUE(fired);
  EXPECT_GE(std::chrono::steady_clock::now() - started, pause);

  const auto idle_started = std::chrono::steady_clock::now();
  io.run_for(pause);  // no work at all: the loop runs out at once, the pause still lasts
  EXPECT_GE(std::chrono::steady_clock::now() - idle_started, pause);
}

TEST(IoDriver, DeadlineAfterIsNoEarlierThanNowPlusTheDuration) {
  const auto before = std::chrono::steady_clock::now();
  const SteadyTime deadline = deadline_after(Nanoseconds{1'500'000'000});
  EXPECT_GE(deadline - before, std::chrono::milliseconds(1500));
  EXPECT_LE(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(1500));
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

}  // namespace
}  // namespace berkeley::tcp
