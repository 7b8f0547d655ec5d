#include "transport/mpi/collective_method.hpp"

#include <mpi.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "core/two_leg_estimate.hpp"

namespace berkeley::mpi {
namespace {

namespace bmpi = boost::mpi;
constexpr int kRoot = 0;
// Rank 0 reads its clock once per round, after the gather: the scatter's leg is bounded by that same
// reading (TwoLegSample::master_scattered_ns), which widens every bound by rank 0's computing between the two
// MPI calls (tens of ns) and keeps a clock read (27 ns here) off the critical path. The reading then cancels
// out of each member's refinement (two_leg_refinement), so the scatter carries one int64 per rank, the
// correction, as the floor does (a second int64 cost about 90 ns per round at np 2 here).
// What each rank keeps of a round and sends to rank 0 in finish() is a CollectiveRoundKept (messages.hpp).

class CollectiveMethod final : public MpiMethod {
 public:
  // the communicator's handle, rank and size are looked up once: Boost.MPI asks MPI on every call
  CollectiveMethod(const bmpi::communicator& comm, bool keep_estimates)
      : owner_(comm),
        comm_(comm),
        rank_(comm.rank()),
        ranks_(static_cast<std::size_t>(comm.size())),
        keep_(keep_estimates) {}

  const GroupEstimates& measure(const Clock& clock) override {
    gather(clock);
    if (rank_ != kRoot) return estimates_;  // empty
    return last_estimates();
  }

  [[nodiscard]] bool estimates_final() const override { return false; }

  const GroupEstimates& last_estimates() override {
    estimates_.resize(ranks_);
    estimates_[0] = PeerEstimate{};
    for (std::size_t r = 1; r < ranks_; ++r) {
      PeerEstimate& e = estimates_[r].emplace();
      e.best.offset_ns = lower_bounds_[r];
      e.best.local_midpoint_ns = master_gathered_;
      e.samples_used = 1;
    }
    return estimates_;
  }

  Nanoseconds deliver_corrections(const GroupStep& step) override {
    if (rank_ != kRoot) return receive_correction();
    return scatter_corrections([&](std::size_t r) { return step.step.corrections_ns[r].count(); });
  }

  // measure(), berkeley_step_over(), deliver_corrections() without the estimates in between: MPI_Gather,
  // the step over the lower bounds, MPI_Scatter (every rank answers over MPI, so no one is left out)
  // (the same RoundRecord as run_round: the estimates are the lower bounds until finish())
  Nanoseconds round(const Clock& clock, Nanoseconds tolerance_ns, RoundWork& work, RoundRecord* record) override {
    const auto started = record != nullptr ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    gather(clock);
    if (rank_ != kRoot) return receive_correction();
    GroupStep& step = work.step;
    berkeley_step(lower_bounds_, tolerance_ns, step.step, work.workspace.scratch);
    const Nanoseconds mine = scatter_corrections([&](std::size_t r) { return step.step.corrections_ns[r].count(); });
    step.answered.assign(ranks_, true);  // once the corrections are out
    if (record != nullptr) record_round(last_estimates(), step, started, *record);
    return mine;
  }

  void deliver_messages(const void* all, void* mine, MPI_Datatype type, std::size_t /*size*/) override {
    // every rank is in the collective anyway: the blocking MPI_Scatter is the fastest
    MPI_Scatter(all, 1, type, mine, 1, type, kRoot, comm_);
  }

  void finish(bool collect, std::span<RoundRecord> rounds) override {
    shift_ = Nanoseconds{0};   // the next run starts afresh
    if (!collect || !keep_) {  // the same on every rank: keep_ comes from the options all ranks share
      own_.clear();
      master_reads_.clear();
      return;
    }
    // every rank ran the same rounds (rank 0's own rows stay in place, unread)
    const int count = static_cast<int>(rank_ == kRoot ? rounds.size() : own_.size());
    const MPI_Datatype type = datatype_of<CollectiveRoundKept>();
    if (rank_ != kRoot) {
      MPI_Gather(own_.data(), count, type, nullptr, count, type, kRoot, comm_);
      own_.clear();
      return;
    }
    collected_.resize(ranks_ * static_cast<std::size_t>(count));
    MPI_Gather(MPI_IN_PLACE, count, type, collected_.data(), count, type, kRoot, comm_);
    if (master_reads_.size() != rounds.size()) throw std::logic_error("collective: a reading per round expected");
    for (std::size_t r = 1; r < ranks_; ++r) {
      for (std::size_t k = 0; k < rounds.size(); ++k) {
        const CollectiveRoundKept& f = collected_[r * static_cast<std::size_t>(count) + k];
        PeerEstimate& e = rounds[k].estimates[r].emplace();
        e.best =
            two_leg_estimate(TwoLegSample{at_ns(f.sent_ns), master_reads_[k], master_reads_[k], at_ns(f.received_ns)});
        e.median_round_trip_ns = e.best.round_trip_ns;
        e.samples_used = 1;
        rounds[k].step.step.corrections_ns[r] = Nanoseconds{f.correction_ns};
      }
    }
    master_reads_.clear();
  }

  std::vector<LevelSummary> levels(const GroupEstimates& last_round) const override {
    return {summarize_level(1, "collective, rank 0 to every rank", 1, last_round)};
  }

 private:
  // every rank: the first leg. Rank 0 learns every rank's lower bound, the others keep their reading.
  //
  // Rank 0 averages lower bounds, each below the rank's estimate by that rank's shift (estimate − lower
  // bound, about half the time the gather and the scatter took it), so the group lands the mean shift
  // below where averaging the estimates would put it; round after round it would walk back by that much.
  // So each rank reports its clock plus its shift of the run's round before (0 in the first): rank 0's
  // average then carries the mean of those shifts, and the rank takes its own back out of its correction
  // (receive_correction()). Of the walk only the last round's shift remains, as in a run of one round.
  // Rank 0's offsets are thus each rank's lower bound plus the shift it carries.
  void gather(const Clock& clock) {
    clock_ = &clock;
    if (rank_ != kRoot) {
      sent_ = clock.now();
      const std::int64_t reported = reading_ns(sent_ + shift_);
      MPI_Gather(&reported, 1, MPI_INT64_T, nullptr, 1, MPI_INT64_T, kRoot, comm_);
      return;
    }
    gathered_.resize(ranks_);
    MPI_Gather(MPI_IN_PLACE, 1, MPI_INT64_T, gathered_.data(), 1, MPI_INT64_T, kRoot, comm_);
    master_gathered_ = clock.now();
    lower_bounds_.resize(ranks_);
    lower_bounds_[0] = Nanoseconds{0};  // rank 0 is the reference
    for (std::size_t r = 1; r < ranks_; ++r)
      lower_bounds_[r] = two_leg_lower_bound(at_ns(gathered_[r]), master_gathered_);
  }

  // rank 0: the second leg, with correction_of(r) for rank r; its own correction back
  template <class CorrectionOf>
  Nanoseconds scatter_corrections(CorrectionOf correction_of) {
    records_.resize(ranks_);
    for (std::size_t r = 0; r < ranks_; ++r) records_[r] = correction_of(r);
    std::int64_t mine = 0;
    MPI_Scatter(records_.data(), 1, MPI_INT64_T, &mine, 1, MPI_INT64_T, kRoot, comm_);
    // kept for finish() once the corrections are out: growing the list is no part of the round
    if (keep_) master_reads_.push_back(master_gathered_);
    return Nanoseconds{mine};  // rank 0's offset from itself is exactly 0: nothing to refine
  }

  // every other rank: the second leg; refines its correction from its own two readings
  Nanoseconds receive_correction() {
    std::int64_t sent_correction = 0;
    MPI_Scatter(nullptr, 1, MPI_INT64_T, &sent_correction, 1, MPI_INT64_T, kRoot, comm_);
    const ClockReading received = clock_->now();
    // the correction was computed from the lower bound plus the shift carried (see gather())
    const Nanoseconds applied = two_leg_correction(Nanoseconds{sent_correction} + shift_, sent_, received);
    shift_ = two_leg_refinement(sent_, received);
    if (keep_) own_.push_back(CollectiveRoundKept{reading_ns(sent_), reading_ns(received), applied.count()});
    return applied;
  }

  boost::mpi::communicator owner_;  // held by value: comm_ lives as long as this method
  MPI_Comm comm_;
  int rank_;
  std::size_t ranks_;
  bool keep_;
  const Clock* clock_ = nullptr;
  // rank 0
  GroupEstimates estimates_;
  std::vector<std::int64_t> gathered_;
  std::vector<Nanoseconds> lower_bounds_;  // per rank (plus the shift it carries), rank 0's own 0
  ClockReading master_gathered_{};
  std::vector<std::int64_t> records_;
  std::vector<ClockReading> master_reads_;  // this run's reading after each round's gather (kept for the report)
  std::vector<CollectiveRoundKept> collected_;
  // every other rank
  ClockReading sent_{};
  Nanoseconds shift_{0};                  // this run's last estimate − its lower bound (see gather())
  std::vector<CollectiveRoundKept> own_;  // one per round since the last finish()
};

}  // namespace

std::unique_ptr<MpiMethod> make_collective_method(const bmpi::communicator& comm, bool keep_estimates) {
  return std::make_unique<CollectiveMethod>(comm, keep_estimates);
}

}  // namespace berkeley::mpi
