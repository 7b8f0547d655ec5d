#include "transport/mpi/synchronize.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>

#include "sync/round_summary.hpp"
#include "transport/mpi/mpi_method.hpp"

namespace berkeley::mpi {
namespace {

// a fitted rate is applied where it exceeds this many standard errors (sync/drift_plan.hpp)
constexpr double kDriftSignificance = 2.0;

std::unique_ptr<MpiMethod> method_for(const boost::mpi::communicator& comm, const SyncOptions& options) {
  MethodOptions method_options{options.method,
                               options.pingpong,
                               Waiting::busy,
                               options.virtual_node_size,
                               options.report || options.corrects_drift(),
                               options.collective};
  method_options.waiting = options.waiting ? *options.waiting : waiting_for_this_node(comm);
  return make_method(comm, method_options);
}

// Why `options` cannot sync with guests (nullopt: it can).
std::optional<std::string> guests_refused(const SyncOptions& options, bool with_guests) {
  if (!with_guests) return std::nullopt;
  if (options.method == SyncMethod::collective)
    return "the collective method is MPI-only: with guests (TCP clients) use pingpong or tree";
  return std::nullopt;
}

// One round of the whole group: rank 0 measures the guests first (the ranks meanwhile wait for their ping
// point to point, in no collective), then the ranks by the method; one step over all; the ranks' corrections
// by the method, then the guests' lines.
class GroupCarrier final : public RoundTransport {
 public:
  GroupCarrier(MpiMethod& method, const Clock& clock, GuestGroup* guests, int ranks)
      : method_(method), clock_(clock), guests_(guests), ranks_(ranks) {}

  const GroupEstimates& measure() override {
    if (guests_ == nullptr) return method_.measure(clock_);
    const GroupEstimates& guests = guests_->measure();
    const GroupEstimates& ranks = method_.measure(clock_);
    all_.assign(ranks.begin(), ranks.end());
    all_.insert(all_.end(), guests.begin(), guests.end());
    return all_;
  }
  Nanoseconds deliver(const GroupStep& step) override {
    const Nanoseconds mine = method_.deliver_corrections(step);  // a scatter reads one per rank
    if (guests_ != nullptr) guests_->deliver(step, static_cast<std::size_t>(ranks_));
    return mine;
  }

 private:
  MpiMethod& method_;
  const Clock& clock_;
  GuestGroup* guests_;
  int ranks_;
  GroupEstimates all_;
};

}  // namespace

std::optional<Nanoseconds> SyncOutcome::bound_from_master(std::size_t rank, ClockReading master_raw_ns,
                                                          double rate_spread_ppm) const {
  if (drift) {
    const double bound = drift->bound_from_master_ns(rank, master_raw_ns - drift->reference_ns);
    if (!std::isfinite(bound)) return std::nullopt;
    return Nanoseconds{static_cast<std::int64_t>(std::ceil(bound))};
  }
  if (rank >= offset_bounds_ns.size() || !offset_bounds_ns[rank]) return std::nullopt;
  const double since_ns = static_cast<double>(std::max(Nanoseconds{0}, master_raw_ns - last_round_raw_ns).count());
  const double moved_ns = 2.0 * std::fabs(rate_spread_ppm) * 1e-6 * since_ns * (1.0 + kMaxRelativeRate);
  return *offset_bounds_ns[rank] + Nanoseconds{static_cast<std::int64_t>(std::ceil(moved_ns))};
}

Synchronizer::Synchronizer(const boost::mpi::communicator& comm, SyncOptions options)
    : comm_(comm), rank_(comm.rank()), size_(comm.size()), options_(options) {
  if (rank_ != 0) options_.guests = nullptr;
  // every rank learns whether rank 0 has guests, so that all refuse together (none is left in a collective)
  int with_guests = options_.guests != nullptr ? 1 : 0;
  MPI_Bcast(&with_guests, 1, MPI_INT, 0, comm_);
  if (const auto refused = guests_refused(options_, with_guests != 0)) {
    throw std::invalid_argument("berkeley::mpi::Synchronizer: " + *refused);
  }
  method_ = method_for(comm, options_);
}

Synchronizer::~Synchronizer() = default;

SyncOutcome synchronize(const boost::mpi::communicator& comm, CorrectedClock& clock, const SyncOptions& options,
                        const RoundObserver& on_round) {
  return Synchronizer(comm, options).run(clock, on_round);
}

namespace {

// rank 0: each member's offsets against the master's uncorrected clock, round by round (the measured offset
// minus the corrections applied before that round), for the drift fit. A member that did not answer in a
// round has no sample there and was sent no correction (sync/measure.hpp).
std::vector<std::vector<TimedOffset>> raw_offsets_of(std::span<const RoundRecord> rounds, std::size_t members) {
  std::vector<std::vector<TimedOffset>> raw(members);
  std::vector<Nanoseconds> applied_ns(members, Nanoseconds{0});
  for (const RoundRecord& round : rounds) {
    for (std::size_t r = 0; r < members; ++r) {
      if (!round.estimates[r]) continue;
      const OffsetEstimate& e = round.estimates[r]->best;
      // the master's own offset is 0 by definition, at the end of the round
      const ClockReading master_raw = r == 0 ? round.master_raw_ns : e.local_midpoint_ns - applied_ns[0];
      raw[r].push_back(TimedOffset{master_raw, e.offset_ns - (applied_ns[r] - applied_ns[0]), e.uncertainty_ns});
    }
    for (std::size_t r = 0; r < members; ++r) applied_ns[r] += round.step.step.corrections_ns[r];
  }
  return raw;
}

}  // namespace

SyncOutcome Synchronizer::run(CorrectedClock& clock, const RoundObserver& on_round) {
  const SyncOptions& options = options_;
  SyncOutcome outcome;
  const bool master = rank_ == 0;
  const auto ranks = static_cast<std::size_t>(size_);
  const auto rounds = static_cast<std::size_t>(options.rounds);
  // rank 0 keeps every round for the report and the drift fit (the same decision on every rank: finish()
  // is collective)
  const bool fit_drift = options.corrects_drift();
  const bool keep = options.report || fit_drift;
  if (master && keep) history_.resize(rounds);
  // the rounds that can be summarized as they end (the collective's estimates are finished after the last)
  const bool report_as_we_go = master && options.report && method_->estimates_final();
  // a run starts a new group: what the last run's rounds narrowed the tolerance to does not hold for the
  // clock this run corrects (it may be a fresh one that reads its raw offset again)
  work_.tolerance.reset();

  // The master's step and the delivery reuse buffers, and nothing is summarized until the corrections have
  // gone out: the collective round's critical path allocates nothing once the buffers have grown (pingpong
  // still makes a filter per member, which is nothing against its round trips).
  for (std::size_t round = 0; round < rounds; ++round) {
    // Every rank pauses (a rank that went on would read its clock for the collective's gather early, and
    // its estimate would only be bounded by the whole pause), then all start the round together: sleeps end
    // up to the timer slack (50 µs) apart, and the collective's bound is as wide as the ranks are out of step.
    if (round > 0 && options.interval_ns > Nanoseconds{0}) {
      if (options.guests != nullptr) {
        options.guests->wait(options.interval_ns);  // serving the guests' connections meanwhile
      } else {
        std::this_thread::sleep_for(options.interval_ns);
      }
      MPI_Barrier(comm_);
    }
    if (master && options.report && round + 1 == rounds) outcome.last_round_raw_ns = clock.underlying().now();
    RoundRecord* record = master && keep ? &history_[round] : nullptr;
    if (options.guests != nullptr) {
      GroupCarrier carrier(*method_, clock, options.guests, size_);
      clock.apply(run_round(carrier, options.tolerance_ns, work_, record));
    } else {
      clock.apply(method_->round(clock, options.tolerance_ns, work_, record));
    }
    if (record == nullptr) continue;
    if (fit_drift) record->master_raw_ns = clock.underlying().now();
    if (report_as_we_go) {
      outcome.rounds.push_back(
          summarize_round(static_cast<int>(round) + 1, record->estimates, record->step.step, record->duration_ns));
      if (on_round) on_round(outcome.rounds.back());
    }
  }
  const std::span<RoundRecord> kept = master && keep ? std::span<RoundRecord>(history_) : std::span<RoundRecord>();
  method_->finish(keep, kept);

  if (master && options.report) {
    for (std::size_t round = outcome.rounds.size(); round < rounds; ++round) {
      const RoundRecord& record = history_[round];
      outcome.rounds.push_back(
          summarize_round(static_cast<int>(round) + 1, record.estimates, record.step.step, record.duration_ns));
      if (on_round) on_round(outcome.rounds.back());
    }
    outcome.first_estimates = history_.front().estimates;
    outcome.excluded = history_.front().step.step.excluded;
    outcome.rounds_answered.assign(history_.front().estimates.size(), 0);
    for (const RoundRecord& record : history_) {
      for (std::size_t m = 0; m < record.estimates.size(); ++m)
        outcome.rounds_answered[m] += record.estimates[m] ? 1 : 0;
    }
    const GroupEstimates& last = history_.back().estimates;
    const auto ranks_end = last.begin() + static_cast<std::ptrdiff_t>(ranks);
    outcome.levels = method_->levels(GroupEstimates(last.begin(), ranks_end));
    if (options.guests != nullptr) {  // the clients are one more level, measured by rank 0 over TCP
      GroupEstimates clients{std::nullopt};
      clients.insert(clients.end(), ranks_end, last.end());
      outcome.levels.push_back(summarize_level(static_cast<int>(outcome.levels.size()) + 1,
                                               "pingpong over TCP, rank 0 to every client", 1, clients));
      outcome.levels.back().measured_noun = "clients";
    }
    for (const auto& e : history_.back().estimates) {
      outcome.offset_bounds_ns.push_back(e ? std::optional(e->best.uncertainty_ns) : std::nullopt);
    }
  }

  if (fit_drift) {
    std::vector<LinearCorrectionMessage> corrections;
    if (master) {
      // the guests are fitted with the ranks, but take offsets only
      const std::size_t members = history_.front().estimates.size();
      std::vector<bool> offset_only(members, false);
      std::fill(offset_only.begin() + static_cast<std::ptrdiff_t>(ranks), offset_only.end(), true);
      outcome.drift = plan_drift_correction(raw_offsets_of(history_, members), options.tolerance_ns, kDriftSignificance,
                                            offset_only);
      for (std::size_t r = 0; r < ranks; ++r)
        corrections.push_back(linear_correction_message(outcome.drift->ranks[r].correction));
    }
    const LinearCorrection mine = linear_correction(method_->deliver<LinearCorrectionMessage>(corrections));
    clock.set_linear(mine.offset_ns, mine.rate_ppm, mine.anchor_ns);
    if (options.guests != nullptr) {
      std::vector<std::optional<Nanoseconds>> guest_totals;
      for (std::size_t m = ranks; m < outcome.drift->ranks.size(); ++m) {
        const RankDriftPlan& guest = outcome.drift->ranks[m];
        guest_totals.push_back(guest.planned ? std::optional(guest.correction.offset_ns) : std::nullopt);
      }
      options.guests->correct_in_all(guest_totals);
    }
  }
  return outcome;
}

}  // namespace berkeley::mpi
