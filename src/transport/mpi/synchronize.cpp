#include "transport/mpi/synchronize.hpp"

#include <algorithm>
#include <chrono>

#include "transport/mpi/collective_round.hpp"

namespace berkeley::mpi {
namespace {

Nanoseconds magnitude(Nanoseconds value) { return value < Nanoseconds{0} ? -value : value; }

RoundReport summarize_round(int round, const std::vector<OffsetEstimate>& estimates, const BerkeleyStep& step,
                            Nanoseconds duration) {
  RoundReport report;
  report.round = round;
  report.average_offset_ns = step.average_offset_ns;
  report.median_offset_ns = step.median_offset_ns;
  report.clocks_averaged = step.clocks_averaged;
  report.clocks_excluded = estimates.size() - step.clocks_averaged;
  for (const Nanoseconds c : step.corrections_ns) {
    report.max_abs_correction_ns = std::max(report.max_abs_correction_ns, magnitude(c));
  }
  for (const OffsetEstimate& e : estimates) report.max_uncertainty_ns = std::max(report.max_uncertainty_ns, e.uncertainty_ns);
  report.duration_ns = duration;
  return report;
}

}  // namespace

SyncOutcome synchronize(const boost::mpi::communicator& comm, CorrectedClock& clock, const SyncOptions& options,
                        const RoundObserver& on_round) {
  SyncOutcome outcome;
  const bool master = comm.rank() == 0;
  if (master) outcome.total_corrections_ns.assign(static_cast<std::size_t>(comm.size()), Nanoseconds{0});

  for (int round = 1; round <= options.rounds; ++round) {
    const auto started = std::chrono::steady_clock::now();
    const std::vector<OffsetEstimate> estimates = measure_offsets_collective(comm, clock);

    BerkeleyStep step;
    if (master) {
      std::vector<Nanoseconds> offsets;
      offsets.reserve(estimates.size());
      for (const OffsetEstimate& e : estimates) offsets.push_back(e.offset_ns);
      step = berkeley_step(offsets, options.tolerance_ns);
    }
    const Nanoseconds mine = scatter_corrections(comm, step.corrections_ns);
    clock.apply(mine);
    outcome.my_total_correction_ns += mine;

    if (master) {
      const auto duration = std::chrono::duration_cast<Nanoseconds>(std::chrono::steady_clock::now() - started);
      for (std::size_t r = 0; r < step.corrections_ns.size(); ++r) outcome.total_corrections_ns[r] += step.corrections_ns[r];
      if (round == 1) {
        outcome.first_estimates = estimates;
        outcome.excluded = step.excluded;
      }
      outcome.rounds.push_back(summarize_round(round, estimates, step, duration));
      if (on_round) on_round(outcome.rounds.back());
    }
  }
  return outcome;
}

}  // namespace berkeley::mpi
