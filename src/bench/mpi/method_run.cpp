#include "bench/mpi/method_run.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "bench/mpi/floors.hpp"
#include "clock/monotonic_clock.hpp"
#include "clock/shift_calibration.hpp"
#include "clock/simulated_clock.hpp"
#include "report/report_builder.hpp"
#include "transport/mpi/instant_probe.hpp"
#include "transport/mpi/synchronize.hpp"
#include "transport/mpi/wtime_clock.hpp"

namespace berkeley::mpi::bench {
namespace {

constexpr Nanoseconds kInstantLead{std::chrono::milliseconds(5)};
// 2000 bracketed reads over ~6 ms: enough for the intersection to reach the fastest brackets
constexpr int kCalibrationReads = 2'000;
constexpr Nanoseconds kCalibrationSpacing{std::chrono::microseconds(2)};

// Collective: rank 0 learns whether every rank's calibrations agreed, and the largest bound.
void settle_truth(const boost::mpi::communicator& comm, const std::optional<ShiftCalibration>& before,
                  const std::optional<ShiftCalibration>& after, MethodFigures& figures) {
  const bool agree =
      before && after &&
      std::abs((before->shift_ns - after->shift_ns).count()) <= (before->bound_ns + after->bound_ns).count();
  int mine = agree ? 1 : 0;
  std::int64_t bound = agree ? std::max(before->bound_ns, after->bound_ns).count() : 0;
  int all_agree = 0;
  std::int64_t largest = 0;
  MPI_Reduce(&mine, &all_agree, 1, MPI_INT, MPI_MIN, 0, comm);
  MPI_Reduce(&bound, &largest, 1, MPI_INT64_T, MPI_MAX, 0, comm);
  figures.truth_calibrated = all_agree == 1;
  figures.truth_bound_ns = Nanoseconds{largest};
}

// the slowest rank's value, on rank 0
Nanoseconds slowest(const boost::mpi::communicator& comm, Nanoseconds mine) {
  const std::int64_t value = mine.count();
  std::int64_t largest = 0;
  MPI_Reduce(&value, &largest, 1, MPI_INT64_T, MPI_MAX, 0, comm);
  return Nanoseconds{largest};
}

// One sync of the raw clocks, timed from a barrier: the slowest rank's time, on rank 0.
Nanoseconds timed_sync(const boost::mpi::communicator& comm, mpi::Synchronizer& synchronizer, const Clock& local) {
  CorrectedClock clock(local);  // every sync starts from the raw clocks
  MPI_Barrier(comm);
  const auto start = std::chrono::steady_clock::now();
  (void)synchronizer.run(clock);
  return slowest(comm, std::chrono::duration_cast<Nanoseconds>(std::chrono::steady_clock::now() - start));
}

Nanoseconds spread_of_corrected(const std::vector<InstantObservation>& observations) {
  std::vector<ClockReading> corrected;
  for (const InstantObservation& o : observations) corrected.push_back(o.corrected_ns);
  return spread_of(corrected);
}

}  // namespace

MethodFigures run_method(const boost::mpi::communicator& comm, const MethodRunOptions& options) {
  const MonotonicClock reference;
  const mpi::WtimeClock wtime;
  const SimulatedClock simulated(
      reference,
      draw_simulated_clock(3, static_cast<std::uint64_t>(comm.rank()), Nanoseconds{std::chrono::seconds(1)}, 0.0),
      reference.now());
  // MPI_Wtime's truth: Open MPI's is CLOCK_MONOTONIC minus a per-process constant, which the calibration
  // pins down and checks (see clock/shift_calibration.hpp); the probes then compute instead of read it
  std::optional<ShiftCalibration> calibration;
  if (!options.simulated) calibration = calibrate_shift(wtime, reference, kCalibrationReads, kCalibrationSpacing);
  const CalibratedClock calibrated(wtime, reference, calibration.value_or(ShiftCalibration{}));
  const Clock& real = calibration ? static_cast<const Clock&>(calibrated) : wtime;
  const Clock& local = options.simulated ? static_cast<const Clock&>(simulated) : real;
  mpi::SyncOptions sync;
  sync.method = options.method;
  sync.virtual_node_size = options.node_size;
  sync.tolerance_ns = Nanoseconds{std::chrono::seconds(2)};
  sync.report = false;  // a bare sync: the time until every clock is corrected
  mpi::SyncOptions reported = sync;
  reported.report = true;  // as berkeley_mpi syncs: rank 0 also builds the outcome

  // setup (communicator splits) is not part of a sync's time
  mpi::Synchronizer synchronizer(comm, sync);
  mpi::Synchronizer reporting(comm, reported);

  MethodFigures figures;
  figures.method = options.method;
  std::vector<Nanoseconds> floors;
  std::vector<Nanoseconds> spreads_later;
  // Sync time: back to back, each after a barrier, exactly as the floors are timed (a sync right after a
  // sleeping probe would also time the cores waking up). Each pass times the floor, a bare sync and a sync
  // with the report, so that all three see the same moment of the machine. One warm-up pass, not counted.
  std::vector<Nanoseconds> reported_times;
  for (int i = -1; i < options.syncs; ++i) {
    const Nanoseconds floor = slowest(comm, time_gather_scatter(comm));
    const Nanoseconds time = timed_sync(comm, synchronizer, local);
    const Nanoseconds reported_time = timed_sync(comm, reporting, local);
    if (i < 0 || comm.rank() != 0) continue;
    figures.sync_times_ns.push_back(time);
    floors.push_back(floor);
    reported_times.push_back(reported_time);
  }
  // Precision: the true spread at a shared instant just after each sync, and `later_ns` after it, beside
  // the bound the sync states (these syncs build their outcome; they are not timed).
  for (int i = 0; i < options.probes; ++i) {
    CorrectedClock clock(local);
    MPI_Barrier(comm);
    const mpi::SyncOutcome outcome = reporting.run(clock);
    const auto now = mpi::probe_shared_instant(comm, clock, reference, kInstantLead);
    const auto later = mpi::probe_shared_instant(comm, clock, reference, options.later_ns);
    if (comm.rank() != 0) continue;
    figures.spreads_after_ns.push_back(spread_of_corrected(now));
    spreads_later.push_back(spread_of_corrected(later));
    std::vector<std::optional<Nanoseconds>> bounds;
    Nanoseconds window{0};
    for (std::size_t r = 0; r < now.size(); ++r) {
      bounds.push_back(outcome.bound_from_master(r, now.front().raw_ns));
      window = std::max(window, now[r].read_window_ns);
    }
    figures.spread_bounds_ns.push_back(spread_bound(bounds).value_or(Nanoseconds::max()));
    figures.probe_read_windows_ns.push_back(window);
  }
  if (!options.simulated) {
    const std::optional<ShiftCalibration> after =
        calibrate_shift(wtime, reference, kCalibrationReads, kCalibrationSpacing);
    settle_truth(comm, calibration, after, figures);
  }
  if (comm.rank() == 0) {
    figures.median_sync_time_ns = median_of(figures.sync_times_ns);
    figures.median_reported_sync_time_ns = median_of(reported_times);
    figures.median_floor_ns = median_of(floors);
    figures.median_spread_after_ns = median_of(figures.spreads_after_ns);
    figures.median_spread_later_ns = median_of(spreads_later);
    if (!figures.spreads_after_ns.empty()) {  // none with probes 0: 0, as their median
      figures.max_spread_after_ns = *std::max_element(figures.spreads_after_ns.begin(), figures.spreads_after_ns.end());
    }
  }
  return figures;
}

}  // namespace berkeley::mpi::bench
