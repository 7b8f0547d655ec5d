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
// a member's gather is an ExchangeReport, rank 0's scatter an ExchangeReply (transport/mpi/messages.hpp)

class ExchangingCollective final : public MpiMethod {
 public:
  ExchangingCollective(const boost::mpi::communicator& comm, CollectiveExchangePolicy policy)
      : owner_(comm),
        comm_(comm),
        rank_(comm.rank()),
        ranks_(static_cast<std::size_t>(comm.size())),
        settling_(policy) {
    if (policy.max_exchanges < 2) throw std::invalid_argument("exchanging collective: max_exchanges < 2");
  }

  const GroupEstimates& measure(const Clock& clock) override {
    if (rank_ != kRoot) {
      (void)member_exchanges(clock);  // ExchangeReply::measured_only
      estimates_.clear();
      return estimates_;
    }
    master_exchanges(clock);
    scatter_all(ExchangeReply::measured_only, [](std::size_t) { return std::int64_t{0}; });
    return estimates_;
  }

  const GroupEstimates& last_estimates() override { return estimates_; }

  // run_round, with the exchanges left open by measuring: the delivery's scatter ends them (ExchangeReply::correction)
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
        return Nanoseconds{self_.scatter_all(ExchangeReply::correction,
                                             [&](std::size_t r) { return step.step.corrections_ns[r].count(); })};
      }

     private:
      ExchangingCollective& self_;
      const Clock& clock_;
      Nanoseconds correction_{0};  // a member's, from the exchanges' last reply
    };
    Carrier carrier(*this, clock);
    return run_round(carrier, tolerance_ns, work, record);
  }

  void deliver_messages(const void* all, void* mine, MPI_Datatype type, std::size_t /*size*/) override {
    MPI_Scatter(all, 1, type, mine, 1, type, kRoot, comm_);
  }

  std::vector<LevelSummary> levels(const GroupEstimates& last_round) const override {
    return {summarize_level(
        1,
        "collective, rank 0 to every rank, intersection of " + std::to_string(exchanges_) + " gather/scatter exchanges",
        1, last_round)};
  }

 private:
  // every other rank: exchanges until rank 0 ends the round; the last reply's value
  std::int64_t member_exchanges(const Clock& clock) {
    ExchangeIntersection interval;
    ExchangeReply reply;
    const MPI_Datatype report_type = datatype_of<ExchangeReport>();
    const MPI_Datatype reply_type = datatype_of<ExchangeReply>();
    for (;;) {
      // the interval so far is worked out before the reading, off the exchange's first leg
      const bool any = interval.has_value();
      ExchangeReport mine{0, any ? interval.lower_ns().count() : 0, any ? interval.upper_ns().count() : 0,
                          any ? interval.narrowest_round_trip_ns().count() : 0};
      const ClockReading sent = clock.now();
      mine.reading_ns = reading_ns(sent);
      MPI_Gather(&mine, 1, report_type, nullptr, 1, report_type, kRoot, comm_);
      MPI_Scatter(nullptr, 1, reply_type, &reply, 1, reply_type, kRoot, comm_);
      const ClockReading received = clock.now();
      if (reply.what != ExchangeReply::measure_again) return reply.value;
      interval.add(sent, at_ns(reply.value), received);
    }
  }

  // rank 0: exchanges until the group's widest interval settles; leaves every rank's estimate in
  // estimates_ (the last gather, whose readings are not used, is the round's own: the caller scatters its end)
  void master_exchanges(const Clock& clock) {
    settling_.reset();
    gathered_.resize(ranks_);
    const MPI_Datatype report_type = datatype_of<ExchangeReport>();
    for (int exchange = 0;; ++exchange) {
      MPI_Gather(MPI_IN_PLACE, 1, report_type, gathered_.data(), 1, report_type, kRoot, comm_);
      const ClockReading gathered = clock.now();
      Nanoseconds widest{0};
      for (std::size_t r = 1; r < ranks_; ++r) {
        widest = std::max(widest, Nanoseconds{gathered_[r].upper_ns - gathered_[r].lower_ns});
      }
      if ((exchange > 0 || ranks_ == 1) && settling_.settled(exchange, widest)) {
        finish_estimates(exchange);
        return;
      }
      last_read_ = gathered;
      scatter_all(ExchangeReply::measure_again, [&](std::size_t) { return reading_ns(gathered); });
    }
  }

  void finish_estimates(int measured) {
    exchanges_ = measured;
    estimates_.resize(ranks_);
    estimates_[0] = PeerEstimate{};
    for (std::size_t r = 1; r < ranks_; ++r) {
      const ExchangeReport& g = gathered_[r];
      // an empty interval is impossible from a clock that does not run backwards: such a rank is left
      // without an estimate (uncorrected and excluded), and rank 0 goes on to the scatter the others wait in
      if (g.upper_ns < g.lower_ns) {
        estimates_[r].reset();
        continue;
      }
      PeerEstimate& e = estimates_[r].emplace();
      e.best = interval_estimate(Nanoseconds{g.lower_ns}, Nanoseconds{g.upper_ns},
                                 Nanoseconds{g.narrowest_round_trip_ns}, last_read_);
      e.median_round_trip_ns = e.best.round_trip_ns;
      e.samples_used = measured;
    }
  }

  // rank 0: [what, value_of(r)] to every rank r; its own value back
  template <class ValueOf>
  std::int64_t scatter_all(ExchangeReply::What what, ValueOf value_of) {
    records_.resize(ranks_);
    for (std::size_t r = 0; r < ranks_; ++r) records_[r] = ExchangeReply{what, value_of(r)};
    ExchangeReply mine;
    const MPI_Datatype reply_type = datatype_of<ExchangeReply>();
    MPI_Scatter(records_.data(), 1, reply_type, &mine, 1, reply_type, kRoot, comm_);
    return mine.value;
  }

  boost::mpi::communicator owner_;  // held by value: comm_ lives as long as this method
  MPI_Comm comm_;
  int rank_;
  std::size_t ranks_;
  ExchangeSettling settling_;
  // rank 0, reused from round to round
  GroupEstimates estimates_;
  std::vector<ExchangeReport> gathered_;
  ClockReading last_read_{};  // the last measuring exchange's reading: what the estimates refer to
  std::vector<ExchangeReply> records_;
  int exchanges_ = 0;  // measuring exchanges in the last round
};

}  // namespace

std::unique_ptr<MpiMethod> make_exchanging_collective(const boost::mpi::communicator& comm,
                                                      CollectiveExchangePolicy policy) {
  return std::make_unique<ExchangingCollective>(comm, policy);
}

}  // namespace berkeley::mpi
