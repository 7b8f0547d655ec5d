#include "transport/mpi/synchronize.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>
#include <thread>

#include "report/round_summary.hpp"
#include "transport/mpi/topology.hpp"

namespace berkeley::mpi {
namespace {

void flatten(const std::vector<Nanoseconds>& corrections, std::vector<std::int64_t>& flat) {
  flat.clear();
  for (const Nanoseconds c : corrections) flat.push_back(c.count());
}

std::vector<std::int64_t> flatten(const std::vector<LinearCorrection>& corrections) {
  std::vector<std::int64_t> flat;
  for (const LinearCorrection& c : corrections) {
    flat.insert(flat.end(), {c.offset_ns.count(), std::bit_cast<std::int64_t>(c.rate_ppm), c.anchor_ns.count()});
  }
  return flat;
}

std::unique_ptr<Topology> topology_for(const boost::mpi::communicator& comm, const SyncOptions& options) {
  TopologyOptions topology_options{options.method, options.pingpong, Waiting::busy, options.virtual_node_size};
  topology_options.waiting = options.waiting ? *options.waiting : waiting_for_this_node(comm);
  return make_topology(comm, topology_options);
}

}  // namespace

Synchronizer::Synchronizer(const boost::mpi::communicator& comm, SyncOptions options)
    : comm_(comm), options_(options), topology_(topology_for(comm, options)) {}

Synchronizer::~Synchronizer() = default;

SyncOutcome synchronize(const boost::mpi::communicator& comm, CorrectedClock& clock, const SyncOptions& options,
                        const RoundObserver& on_round) {
  return Synchronizer(comm, options).run(clock, on_round);
}

SyncOutcome Synchronizer::run(CorrectedClock& clock, const RoundObserver& on_round) {
  const SyncOptions& options = options_;
  SyncOutcome outcome;
  const bool master = comm_.rank() == 0;
  const auto ranks = static_cast<std::size_t>(comm_.size());

  // rank 0's bookkeeping for the drift fit: every rank's summed step corrections, and the offsets of
  // the *uncorrected* clocks (the measured offset minus the corrections already applied)
  const bool fit_drift = master && options.corrects_drift();
  std::vector<Nanoseconds> applied_ns(fit_drift ? ranks : 0, Nanoseconds{0});
  std::vector<std::vector<TimedOffset>> raw_offsets(fit_drift ? ranks : 0);
  if (master) outcome.rounds.reserve(static_cast<std::size_t>(options.rounds));

  // The master's step and the delivery reuse buffers, and the reports are made after the corrections
  // have gone out: the collective round's critical path allocates nothing once the buffers have grown
  // (pingpong still makes a filter per member, which is nothing against its round trips).
  for (int round = 1; round <= options.rounds; ++round) {
    if (round > 1 && options.interval_ns > Nanoseconds{0} && master) std::this_thread::sleep_for(options.interval_ns);
    const auto started = std::chrono::steady_clock::now();
    const GroupEstimates& estimates = topology_->measure(clock);
    records_.clear();
    if (master) {
      berkeley_step_over(estimates, options.tolerance_ns, step_, step_workspace_);
      flatten(step_.step.corrections_ns, records_);
    }
    const Nanoseconds mine{topology_->deliver(records_, 1).front()};
    clock.apply(mine);
    if (!master) continue;

    const GroupStep& step = step_;
    const auto duration = std::chrono::duration_cast<Nanoseconds>(std::chrono::steady_clock::now() - started);
    for (std::size_t r = 0; r < ranks && fit_drift; ++r) {
      if (!estimates[r]) continue;
      const OffsetEstimate& e = estimates[r]->best;
      // the master's own offset is 0 by definition, at the end of the round
      const ClockReading master_raw = r == 0 ? clock.underlying().now() : e.local_midpoint_ns - applied_ns[0];
      raw_offsets[r].push_back(TimedOffset{master_raw, e.offset_ns - (applied_ns[r] - applied_ns[0]), e.uncertainty_ns});
    }
    for (std::size_t r = 0; r < ranks && fit_drift; ++r) applied_ns[r] += step.step.corrections_ns[r];
    if (round == 1) {
      outcome.first_estimates = estimates;
      outcome.excluded = step.step.excluded;
      outcome.levels = topology_->levels();
    }
    outcome.rounds.push_back(summarize_round(round, estimates, step.step, duration));
    if (on_round) on_round(outcome.rounds.back());
  }

  if (options.corrects_drift()) {
    std::vector<LinearCorrection> corrections;
    if (master) {
      outcome.drift = plan_drift_correction(raw_offsets, options.tolerance_ns);
      for (const RankDriftPlan& r : outcome.drift->ranks) corrections.push_back(r.correction);
    }
    const std::span<const std::int64_t> mine = topology_->deliver(flatten(corrections), 3);
    clock.set_linear(Nanoseconds{mine[0]}, std::bit_cast<double>(mine[1]), Nanoseconds{mine[2]});
  }
  return outcome;
}

}  // namespace berkeley::mpi
