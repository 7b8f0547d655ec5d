#include "transport/mpi/exchanging_collective.hpp"

#include <mpi.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace berkeley::mpi {
namespace {

constexpr int kRoot = 0;
// A member's gather: its reading now (t1), then its interval from the round's exchanges so far (lower,
// upper, both member − master) and its narrowest exchange's round trip (nothing before the first reply)
constexpr int kGatherWidth = 4;
// Rank 0's scatter: [what, value]
constexpr int kScatterWidth = 2;
enum Reply : std::int64_t {
  kMeasureAgain = 0,  // value: rank 0's reading once this exchange's gather was complete; another follows
  kCorrection = 1,    // value: the correction to apply; the round is over
  kMeasuredOnly = 2,  // value unused: the estimates are done, the corrections follow in their own scatter
};

class ExchangingCollective final : public Topology {
 public:
  ExchangingCollective(const boost::mpi::communicator& comm, CollectiveExchangePolicy policy)
      : comm_(comm), rank_(comm.rank()), ranks_(static_cast<std::size_t>(comm.size())), settling_(policy) {
    if (policy.max_exchanges < 2) throw std::invalid_argument("exchanging collective: max_exchanges < 2");
  }

  const GroupEstimates& measure(const Clock& clock) override {
    if (rank_ != kRoot) {
      (void)member_exchanges(clock);  // kMeasuredOnly
      estimates_.clear();
      return estimates_;
    }
    master_exchanges(clock);
    scatter_all(kMeasuredOnly, [](std::size_t) { return std::int64_t{0}; });
    return estimates_;
  }

  const GroupEstimates& last_estimates() override { return estimates_; }

  // run_round, with the exchanges left open by measuring: the delivery's scatter ends them (kCorrection)
  Nanoseconds round(const Clock& clock, Nanoseconds tolerance_ns, RoundWork& work, RoundRecord* record) override {
    class Carrier final : public RoundTransport {
     public:
      Carrier(ExchangingCollective& self, const Clock& clock) : self_(self), clock_(clock) {}
      const GroupEstimates& measure() override {
        if (self_.rank_ != kRoot) {
          correction_ = Nanoseconds{self_.member_exchanges(clock_)};
          self_.estimates_.clear();
        } else {
          self_.master_exchanges(clock_);
        }
        return self_.estimates_;
      }
      Nanoseconds deliver(const GroupStep& step) override {
        if (self_.rank_ != kRoot) return correction_;
        return Nanoseconds{
            self_.scatter_all(kCorrection, [&](std::size_t r) { return step.step.corrections_ns[r].count(); })};
      }

     private:
      ExchangingCollective& self_;
      const Clock& clock_;
      Nanoseconds correction_{0};  // a member's, from the exchanges' last reply
    };
    Carrier carrier(*this, clock);
    return run_round(carrier, tolerance_ns, work, record);
  }

  std::span<const std::int64_t> deliver(std::span<const std::int64_t> records, int width) override {
    mine_.resize(static_cast<std::size_t>(width));
    MPI_Scatter(records.data(), width, MPI_INT64_T, mine_.data(), width, MPI_INT64_T, kRoot, comm_);
    return mine_;
  }

  std::vector<LevelReport> levels(const GroupEstimates& last_round) const override {
    return {summarize_level(
        1,
        "collective, rank 0 to every rank, intersection of " + std::to_string(exchanges_) + " gather/scatter exchanges",
        1, last_round)};
  }

 private:
  // every other rank: exchanges until rank 0 ends the round; the last reply's value
  std::int64_t member_exchanges(const Clock& clock) {
    ExchangeIntersection interval;
    std::array<std::int64_t, kScatterWidth> reply{};
    for (;;) {
      // the interval so far is worked out before the reading, off the exchange's first leg
      const bool any = interval.has_value();
      std::array<std::int64_t, kGatherWidth> mine{0, any ? interval.lower_ns().count() : 0,
                                                  any ? interval.upper_ns().count() : 0,
                                                  any ? interval.narrowest_round_trip_ns().count() : 0};
      const ClockReading sent = clock.now();
      mine[0] = sent.count();
      MPI_Gather(mine.data(), kGatherWidth, MPI_INT64_T, nullptr, kGatherWidth, MPI_INT64_T, kRoot, comm_);
      MPI_Scatter(nullptr, kScatterWidth, MPI_INT64_T, reply.data(), kScatterWidth, MPI_INT64_T, kRoot, comm_);
      const ClockReading received = clock.now();
      if (reply[0] != kMeasureAgain) return reply[1];
      interval.add(sent, ClockReading{reply[1]}, received);
    }
  }

  // rank 0: exchanges until the group's widest interval settles; leaves every rank's estimate in
  // estimates_ (the last gather, whose readings are not used, is the round's own: the caller scatters its end)
  void master_exchanges(const Clock& clock) {
    settling_.reset();
    gathered_.resize(ranks_ * kGatherWidth);
    for (int exchange = 0;; ++exchange) {
      MPI_Gather(MPI_IN_PLACE, kGatherWidth, MPI_INT64_T, gathered_.data(), kGatherWidth, MPI_INT64_T, kRoot, comm_);
      const ClockReading gathered = clock.now();
      Nanoseconds widest{0};
      for (std::size_t r = 1; r < ranks_; ++r) {
        const std::int64_t* g = gathered_.data() + r * kGatherWidth;
        widest = std::max(widest, Nanoseconds{g[2] - g[1]});
      }
      if ((exchange > 0 || ranks_ == 1) && settling_.settled(exchange, widest)) {
        finish_estimates(exchange);
        return;
      }
      last_read_ = gathered;
      scatter_all(kMeasureAgain, [&](std::size_t) { return gathered.count(); });
    }
  }

  void finish_estimates(int measured) {
    exchanges_ = measured;
    estimates_.resize(ranks_);
    estimates_[0] = PeerEstimate{};
    for (std::size_t r = 1; r < ranks_; ++r) {
      const std::int64_t* g = gathered_.data() + r * kGatherWidth;
      // an empty interval is impossible from a clock that does not run backwards: such a rank is left
      // without an estimate (uncorrected and excluded), and rank 0 goes on to the scatter the others wait in
      if (g[2] < g[1]) {
        estimates_[r].reset();
        continue;
      }
      PeerEstimate& e = estimates_[r].emplace();
      e.best = interval_estimate(Nanoseconds{g[1]}, Nanoseconds{g[2]}, Nanoseconds{g[3]}, last_read_);
      e.median_round_trip_ns = e.best.round_trip_ns;
      e.samples_used = measured;
    }
  }

  // rank 0: [what, value_of(r)] to every rank r; its own value back
  template <class ValueOf>
  std::int64_t scatter_all(Reply what, ValueOf value_of) {
    records_.resize(ranks_ * kScatterWidth);
    for (std::size_t r = 0; r < ranks_; ++r) {
      records_[r * kScatterWidth] = what;
      records_[r * kScatterWidth + 1] = value_of(r);
    }
    std::array<std::int64_t, kScatterWidth> mine{};
    MPI_Scatter(records_.data(), kScatterWidth, MPI_INT64_T, mine.data(), kScatterWidth, MPI_INT64_T, kRoot, comm_);
    return mine[1];
  }

  MPI_Comm comm_;
  int rank_;
  std::size_t ranks_;
  ExchangeSettling settling_;
  // rank 0, reused from round to round
  GroupEstimates estimates_;
  std::vector<std::int64_t> gathered_;
  ClockReading last_read_{0};  // the last measuring exchange's reading: what the estimates refer to
  std::vector<std::int64_t> records_;
  int exchanges_ = 0;  // measuring exchanges in the last round
  std::vector<std::int64_t> mine_;
};

}  // namespace

std::unique_ptr<Topology> make_exchanging_collective(const boost::mpi::communicator& comm,
                                                     CollectiveExchangePolicy policy) {
  return std::make_unique<ExchangingCollective>(comm, policy);
}

}  // namespace berkeley::mpi
