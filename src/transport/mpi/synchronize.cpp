#include "transport/mpi/synchronize.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <boost/mpi/collectives.hpp>
#include <chrono>
#include <cstdint>
#include <thread>

#include "transport/mpi/group_channel.hpp"

namespace berkeley::mpi {
namespace {

Nanoseconds magnitude(Nanoseconds value) { return value < Nanoseconds{0} ? -value : value; }

RoundReport summarize_round(int round, const GroupEstimates& estimates, const BerkeleyStep& step, Nanoseconds duration) {
  RoundReport report;
  report.round = round;
  report.average_offset_ns = step.average_offset_ns;
  report.median_offset_ns = step.median_offset_ns;
  report.clocks_averaged = step.clocks_averaged;
  report.clocks_excluded = estimates.size() - step.clocks_averaged;
  for (const Nanoseconds c : step.corrections_ns) {
    report.max_abs_correction_ns = std::max(report.max_abs_correction_ns, magnitude(c));
  }
  for (const auto& e : estimates) {
    if (e) report.max_uncertainty_ns = std::max(report.max_uncertainty_ns, e->best.uncertainty_ns);
  }
  report.duration_ns = duration;
  return report;
}

// rank 0: measure every rank's offset with the chosen method
GroupEstimates measure(const boost::mpi::communicator& comm, const Clock& clock, const SyncOptions& options) {
  MpiGroupChannel channel(comm, clock);
  switch (options.method) {
    case SyncMethod::collective: return measure_collective(channel);
    case SyncMethod::pingpong: return measure_pingpong(channel, options.pingpong);
  }
  return {};
}

// the other ranks: answer the master's measurement
void answer(const boost::mpi::communicator& comm, const Clock& clock, const SyncOptions& options, Waiting waiting) {
  switch (options.method) {
    case SyncMethod::collective: answer_collective(comm, clock); return;
    case SyncMethod::pingpong: answer_pingpong(comm, clock, waiting); return;
  }
}

// MPI_Scatter of one LinearCorrection per rank (three int64: offset, rate bits, anchor)
LinearCorrection scatter_linear(const boost::mpi::communicator& comm, const std::vector<LinearCorrection>& all) {
  std::vector<std::int64_t> flat;
  for (const LinearCorrection& c : all) {
    flat.insert(flat.end(), {c.offset_ns.count(), std::bit_cast<std::int64_t>(c.rate_ppm), c.anchor_ns.count()});
  }
  std::array<std::int64_t, 3> mine{};
  boost::mpi::scatter(comm, flat, mine.data(), 3, 0);
  return LinearCorrection{Nanoseconds{mine[0]}, std::bit_cast<double>(mine[1]), Nanoseconds{mine[2]}};
}

}  // namespace

SyncOutcome synchronize(const boost::mpi::communicator& comm, CorrectedClock& clock, const SyncOptions& options,
                        const RoundObserver& on_round) {
  SyncOutcome outcome;
  const bool master = comm.rank() == 0;
  const auto ranks = static_cast<std::size_t>(comm.size());
  // rank 0's bookkeeping: every rank's summed step corrections, and the offsets of the *uncorrected*
  // clocks (the measured offset minus the corrections already applied) for the drift fit
  std::vector<Nanoseconds> applied_ns(master ? ranks : 0, Nanoseconds{0});
  std::vector<std::vector<TimedOffset>> raw_offsets(master ? ranks : 0);
  const Waiting waiting = options.waiting.value_or(waiting_for_this_node(comm));

  for (int round = 1; round <= options.rounds; ++round) {
    if (round > 1 && options.interval_ns > Nanoseconds{0} && master) std::this_thread::sleep_for(options.interval_ns);
    const auto started = std::chrono::steady_clock::now();
    GroupEstimates estimates;
    GroupStep step;
    if (master) {
      estimates = measure(comm, clock, options);
      step = berkeley_step_over(estimates, options.tolerance_ns);
    } else {
      answer(comm, clock, options, waiting);
    }
    const Nanoseconds mine = scatter_corrections(
        comm, step.step.corrections_ns, options.method == SyncMethod::pingpong ? waiting : Waiting::busy);
    clock.apply(mine);
    if (!master) continue;

    const auto duration = std::chrono::duration_cast<Nanoseconds>(std::chrono::steady_clock::now() - started);
    for (std::size_t r = 0; r < ranks; ++r) {
      if (estimates[r]) {
        const OffsetEstimate& e = estimates[r]->best;
        // the master's own offset is 0 by definition, at the end of the round
        const ClockReading master_raw = r == 0 ? clock.underlying().now() : e.local_midpoint_ns - applied_ns[0];
        raw_offsets[r].push_back(TimedOffset{master_raw, e.offset_ns - (applied_ns[r] - applied_ns[0]), e.uncertainty_ns});
      }
    }
    for (std::size_t r = 0; r < ranks; ++r) applied_ns[r] += step.step.corrections_ns[r];
    if (round == 1) {
      outcome.first_estimates = estimates;
      outcome.excluded = step.step.excluded;
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
    const LinearCorrection mine = scatter_linear(comm, corrections);
    clock.set_linear(mine.offset_ns, mine.rate_ppm, mine.anchor_ns);
  }
  return outcome;
}

}  // namespace berkeley::mpi
