#pragma once
// What a sync promises, checked against the truth read at one shared instant (rank 0 only). These are the
// assertions of the MPI tests: they fail when the program breaks its word, never because the machine is
// slow (a slow machine makes the stated bounds wide, and they must still hold).
#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "core/interval_audit.hpp"
#include "report/report_builder.hpp"
#include "transport/mpi/synchronize.hpp"

namespace berkeley::test {

// Rank 0: every rank's corrected clock is within the bound the sync states for it of rank 0's, at the
// shared instant (both reads' windows allowed; simulated clocks have none). rate_spread_ppm: as for
// SyncOutcome::bound_from_master (simulated clocks that drift).
inline void expect_within_stated_bounds(const mpi::SyncOutcome& outcome,
                                        const std::vector<InstantObservation>& readings, double rate_spread_ppm = 0.0) {
  ASSERT_FALSE(readings.empty());
  const InstantObservation& master = readings.front();
  for (std::size_t r = 0; r < readings.size(); ++r) {
    const std::optional<Nanoseconds> bound = outcome.bound_from_master(r, master.raw_ns, rate_spread_ppm);
    ASSERT_TRUE(bound.has_value()) << "rank " << r << ": the sync states no bound";
    const Nanoseconds truth = readings[r].corrected_ns - master.corrected_ns;
    const Nanoseconds windows = readings[r].read_window_ns + master.read_window_ns;
    EXPECT_LE(std::abs(truth.count()), (*bound + windows).count())
        << "rank " << r << ": " << truth.count() << " ns from rank 0, beyond the stated bound of " << bound->count()
        << " ns (+ " << windows.count() << " ns of read windows)";
  }
}

// Rank 0: every audit interval holds the true offset from rank 0 at the shared instant (1 ns of integer
// rounding aside) and is consistent.
inline void expect_audits_hold_the_truth(const std::vector<AuditEstimate>& audits,
                                         const std::vector<InstantObservation>& readings) {
  ASSERT_EQ(audits.size(), readings.size());
  for (std::size_t r = 0; r < readings.size(); ++r) {
    const Nanoseconds truth = readings[r].corrected_ns - readings.front().corrected_ns;
    const Nanoseconds windows = readings[r].read_window_ns + readings.front().read_window_ns;
    EXPECT_LE(std::abs((audits[r].residual_ns - truth).count()), (audits[r].uncertainty_ns + windows).count() + 1)
        << "rank " << r << ": audit " << audits[r].residual_ns.count() << " +- " << audits[r].uncertainty_ns.count()
        << " ns, truth " << truth.count() << " ns";
    EXPECT_TRUE(audits[r].consistent) << "rank " << r;
  }
}

// The coarse sanity cap that no load can break: after a sync the clocks are at least 10 times closer
// than the ±1 s they were drawn apart by. (Not 100: under a CPU hog on both cores, with 7 ranks on 2 cores,
// a collective round ended 14 ms wide, 80 times closer; idle it is 10,000 times or more.)
inline Nanoseconds coarse_cap(Nanoseconds spread_before_ns) { return spread_before_ns / 10; }

}  // namespace berkeley::test
