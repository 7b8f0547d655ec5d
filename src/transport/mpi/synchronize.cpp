#include "transport/mpi/synchronize.hpp"

#include <algorithm>
#include <chrono>

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
void answer(const boost::mpi::communicator& comm, const Clock& clock, const SyncOptions& options) {
  switch (options.method) {
    case SyncMethod::collective: answer_collective(comm, clock); return;
    case SyncMethod::pingpong: answer_pingpong(comm, clock); return;
  }
}

}  // namespace

SyncOutcome synchronize(const boost::mpi::communicator& comm, CorrectedClock& clock, const SyncOptions& options,
                        const RoundObserver& on_round) {
  SyncOutcome outcome;
  const bool master = comm.rank() == 0;
  if (master) outcome.total_corrections_ns.assign(static_cast<std::size_t>(comm.size()), Nanoseconds{0});

  for (int round = 1; round <= options.rounds; ++round) {
    const auto started = std::chrono::steady_clock::now();
    GroupEstimates estimates;
    GroupStep step;
    if (master) {
      estimates = measure(comm, clock, options);
      step = berkeley_step_over(estimates, options.tolerance_ns);
    } else {
      answer(comm, clock, options);
    }
    const Nanoseconds mine = scatter_corrections(comm, step.step.corrections_ns);
    clock.apply(mine);
    outcome.my_total_correction_ns += mine;
    if (!master) continue;

    const auto duration = std::chrono::duration_cast<Nanoseconds>(std::chrono::steady_clock::now() - started);
    for (std::size_t r = 0; r < step.step.corrections_ns.size(); ++r) {
      outcome.total_corrections_ns[r] += step.step.corrections_ns[r];
    }
    if (round == 1) {
      outcome.first_estimates = estimates;
      outcome.excluded = step.step.excluded;
    }
    outcome.rounds.push_back(summarize_round(round, estimates, step.step, duration));
    if (on_round) on_round(outcome.rounds.back());
  }
  return outcome;
}

}  // namespace berkeley::mpi
