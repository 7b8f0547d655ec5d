// What the TCP master's sync claims: the bound every clock must end within, and the verdict under the table.
#include <gtest/gtest.h>

#include <sstream>

#include "transport/tcp/stated_bound.hpp"

namespace berkeley::tcp {
namespace {

RoundSummary round_with_uncertainty(std::int64_t ns) {
  RoundSummary r;
  r.max_uncertainty_ns = Nanoseconds{ns};
  return r;
}

RunReport measured(std::int64_t max_abs_residual_ns) {
  RunReport r;
  r.truth_measured = true;
  r.max_abs_residual_ns = Nanoseconds{max_abs_residual_ns};
  return r;
}

TEST(StatedBound, TwiceTheUncertaintiesPlusReadWindowsPlusDrift) {
  const std::vector<RoundSummary> rounds{round_with_uncertainty(5'000), round_with_uncertainty(3'000)};
  EXPECT_EQ(stated_bound(rounds, Nanoseconds{200}, 0.0, Nanoseconds{1'000'000'000}), Nanoseconds{16'004 + 400});
  // two clocks at ±10 ppm over 1 s can be 20 µs apart; the sign of the drift does not matter
  EXPECT_EQ(stated_bound(rounds, Nanoseconds{200}, 10.0, Nanoseconds{1'000'000'000}), Nanoseconds{16'404 + 20'000});
  EXPECT_EQ(stated_bound(rounds, Nanoseconds{200}, -10.0, Nanoseconds{1'000'000'000}), Nanoseconds{16'404 + 20'000});
  // a fraction of a nanosecond of drift rounds up: the bound is never smaller than the claim
  EXPECT_EQ(stated_bound({}, Nanoseconds{0}, 0.25, Nanoseconds{1'000}), Nanoseconds{1});
}

TEST(StatedBound, HeldWhenTheLargestResidualIsWithinItAndNotJudgedWithoutTheTruth) {
  EXPECT_TRUE(within_bound(measured(400), Nanoseconds{400}));
  EXPECT_FALSE(within_bound(measured(401), Nanoseconds{400}));
  RunReport unmeasured = measured(5'000);
  unmeasured.truth_measured = false;
  EXPECT_TRUE(within_bound(unmeasured, Nanoseconds{400}));
}

TEST(StatedBound, TheNoteSaysOkExceededOrNotChecked) {
  std::ostringstream ok;
  write_bound_note(ok, measured(222), Nanoseconds{222});
  EXPECT_NE(ok.str().find("every clock within 222 ns"), std::string::npos) << ok.str();
  EXPECT_NE(ok.str().find("measured max |residual| 222 ns"), std::string::npos) << ok.str();
  EXPECT_NE(ok.str().find("): ok"), std::string::npos) << ok.str();

  std::ostringstream exceeded;
  write_bound_note(exceeded, measured(5'000), Nanoseconds{804});
  EXPECT_NE(exceeded.str().find("EXCEEDED"), std::string::npos) << exceeded.str();

  RunReport two_kernels = measured(0);
  two_kernels.truth_measured = false;
  two_kernels.hosts = 2;
  two_kernels.clock_domains = 2;
  std::ostringstream unchecked;
  write_bound_note(unchecked, two_kernels, Nanoseconds{804});
  EXPECT_EQ(
      unchecked.str(),
      "bound: not checked (clocks on 2 host(s) reading 2 different CLOCK_MONOTONIC: no shared reference clock)\n");
}

// A client averaged in round 1 that left before the shared instant: the residuals are against the others'
// average, not the group's, so a large one breaks no claim; each clock's bound from the master decides.
TEST(StatedBound, WithAnAveragedClockUnreadTheBoundsFromTheMasterDecide) {
  RunReport report = measured(30'000'000);  // the others' average is 30 ms from the group's
  report.bounds_held = true;
  EXPECT_FALSE(within_bound(report, Nanoseconds{400'000}));
  EXPECT_TRUE(within_bound(report, Nanoseconds{400'000}, {"client 2"}));
  std::ostringstream note;
  write_bound_note(note, report, Nanoseconds{400'000}, {"client 2", "client 5"});
  EXPECT_NE(note.str().find("not measured: the group's average took the clock of client 2, client 5 in round 1, not "
                            "read at the shared instant"),
            std::string::npos)
      << note.str();
  EXPECT_NE(note.str().find("every clock within 800.000 µs of the master: ok"), std::string::npos) << note.str();

  report.bounds_held = false;  // a clock outside its bound from the master breaks the claim all the same
  EXPECT_FALSE(within_bound(report, Nanoseconds{400'000}, {"client 2"}));
  std::ostringstream exceeded;
  write_bound_note(exceeded, report, Nanoseconds{400'000}, {"client 2"});
  EXPECT_NE(exceeded.str().find("of the master: EXCEEDED"), std::string::npos) << exceeded.str();
  report.bounds_held.reset();  // nothing judged is nothing held
  EXPECT_FALSE(within_bound(report, Nanoseconds{400'000}, {"client 2"}));
}

}  // namespace
}  // namespace berkeley::tcp
