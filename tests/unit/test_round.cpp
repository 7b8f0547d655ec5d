// The round engine (sync/round.hpp) over a transport of known truth: member m's clock reads master +
// offset[m]; measuring gives each member an estimate within its stated uncertainty, delivering applies the
// corrections to those clocks. Whatever the transport, a round must leave every clock that answered at the
// fault-tolerant average, send nothing to the one that did not, and keep what it did.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "sync/round.hpp"

namespace berkeley {
namespace {

class KnownTruthTransport final : public RoundTransport {
 public:
  // offsets_ns[0] is the master's own (0); `error_ns` is how far each estimate is off the truth (within its
  // stated uncertainty `uncertainty_ns`)
  KnownTruthTransport(std::vector<std::int64_t> offsets_ns, std::int64_t error_ns, std::int64_t uncertainty_ns)
      : offsets_(std::move(offsets_ns)), error_ns_(error_ns), uncertainty_ns_(uncertainty_ns) {}
  void silence(std::size_t member) { silent_ = member; }

  const GroupEstimates& measure() override {
    calls_ += "measure ";
    estimates_.assign(offsets_.size(), std::nullopt);
    for (std::size_t m = 0; m < offsets_.size(); ++m) {
      if (silent_ && *silent_ == m) continue;
      PeerEstimate e;
      e.best.offset_ns = Nanoseconds{m == 0 ? 0 : offsets_[m] + error_ns_};
      e.best.uncertainty_ns = Nanoseconds{m == 0 ? 0 : uncertainty_ns_};
      e.best.round_trip_ns = 2 * e.best.uncertainty_ns;
      e.samples_used = m == 0 ? 0 : 1;
      estimates_[m] = e;
    }
    return estimates_;
  }
  Nanoseconds deliver(const GroupStep& step) override {
    calls_ += "deliver ";
    for (std::size_t m = 1; m < offsets_.size(); ++m) {
      if (!step.answered[m]) continue;
      offsets_[m] += step.step.corrections_ns[m].count();  // member m's clock, corrected
      ++messages_;
    }
    return step.step.corrections_ns[0];  // the master applies its own
  }

  std::vector<std::int64_t> offsets_;
  std::int64_t error_ns_;
  std::int64_t uncertainty_ns_;
  std::optional<std::size_t> silent_;
  GroupEstimates estimates_;
  std::string calls_;
  int messages_ = 0;
};

TEST(RunRound, EveryClockThatAnsweredLandsOnTheAverageWithinTheStatedUncertainty) {
  // four clocks: master 0, members +300, −100, +1000 µs; estimates 40 ns off, ±50 ns stated
  KnownTruthTransport transport({0, 300'000, -100'000, 1'000'000}, 40, 50);
  RoundWork work;
  RoundRecord record;
  const Nanoseconds master_correction = run_round(transport, Nanoseconds{std::chrono::seconds(1)}, work, &record);

  EXPECT_EQ(transport.calls_, "measure deliver ");
  // the average of all four clocks (the master's included) is +300 µs over the master
  const std::int64_t average_ns = (0 + 300'000 - 100'000 + 1'000'000) / 4;
  EXPECT_EQ(master_correction, Nanoseconds{average_ns + 30});  // each estimate +40 ns: the mean of three, /4
  // every member now reads what the master will after applying its correction, give or take the uncertainty
  for (std::size_t m = 1; m < transport.offsets_.size(); ++m) {
    EXPECT_LE(std::abs(transport.offsets_[m] - master_correction.count()), 2 * 50) << "member " << m;
  }
  EXPECT_EQ(transport.messages_, 3);
  // the record is what was measured and sent
  ASSERT_EQ(record.estimates.size(), 4u);
  EXPECT_EQ(record.estimates[1]->best.offset_ns, Nanoseconds{300'040});
  EXPECT_EQ(record.step.step.corrections_ns[0], master_correction);
  EXPECT_EQ(record.step.step.clocks_averaged, 4);
  EXPECT_GE(record.duration_ns, Nanoseconds{0});
}

TEST(RunRound, AnOutlierIsCorrectedButNotAveragedAndASilentMemberGetsNothing) {
  // member 3 is an hour off: outside the 1 s tolerance, it is left out of the average but still corrected;
  // member 2 does not answer
  const std::int64_t hour_ns = 3'600'000'000'000;
  KnownTruthTransport transport({0, 200'000, 500'000, hour_ns}, 0, 10);
  transport.silence(2);
  RoundWork work;
  RoundRecord record;
  const Nanoseconds master_correction = run_round(transport, Nanoseconds{std::chrono::seconds(1)}, work, &record);

  EXPECT_EQ(master_correction, Nanoseconds{100'000});  // (0 + 200 µs) / 2
  EXPECT_EQ(record.step.step.clocks_averaged, 2);
  EXPECT_TRUE(record.step.step.excluded[3]);
  EXPECT_EQ(transport.offsets_[1], 100'000);
  EXPECT_EQ(transport.offsets_[3], 100'000);  // the outlier is brought to the group's time
  EXPECT_EQ(transport.offsets_[2], 500'000);  // untouched
  EXPECT_FALSE(record.step.answered[2]);
  EXPECT_FALSE(record.estimates[2].has_value());
  EXPECT_EQ(transport.messages_, 2);
}

// A participant that is not the master (an MPI rank answering rank 0) measures nothing, passes an empty step
// and gets back the correction its transport received; nothing is recorded.
class AnsweringTransport final : public RoundTransport {
 public:
  const GroupEstimates& measure() override { return none_; }
  Nanoseconds deliver(const GroupStep& step) override {
    passed_empty_ = step.step.corrections_ns.empty() && step.answered.empty();
    return Nanoseconds{-1234};
  }
  GroupEstimates none_;
  bool passed_empty_ = false;
};

TEST(RunRound, AMemberGetsItsOwnCorrectionAndKeepsNothing) {
  AnsweringTransport transport;
  RoundWork work;
  RoundRecord record;
  record.duration_ns = Nanoseconds{-1};  // untouched below
  EXPECT_EQ(run_round(transport, Nanoseconds{1'000}, work, &record), Nanoseconds{-1234});
  EXPECT_TRUE(transport.passed_empty_);
  EXPECT_TRUE(record.estimates.empty());
  EXPECT_EQ(record.duration_ns, Nanoseconds{-1});
}

TEST(RunRound, WithoutARecordTheBuffersStillCarryTheStep) {
  KnownTruthTransport transport({0, 400}, 0, 1);
  RoundWork work;
  EXPECT_EQ(run_round(transport, Nanoseconds{1'000}, work), Nanoseconds{200});
  EXPECT_EQ(work.step.step.corrections_ns[1], Nanoseconds{-200});
  EXPECT_EQ(transport.offsets_[1], 200);
}

}  // namespace
}  // namespace berkeley
