// MPI_Wtime as a Clock (transport/mpi/wtime_clock.hpp): its reading is MPI_Wtime in integer nanoseconds (so
// it lies between two MPI_Wtime reads taken around it), and it advances as real time does: over a stretch
// timed on CLOCK_MONOTONIC, no less than the inner bracket and no more than the outer one, each allowed the
// 500 ppm any clock may run apart (core/time.hpp) and MPI_Wtime's tick. A unit mistaken (us for ns, a
// factor of 1e6 for 1e9) lands orders of magnitude outside.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <cstdint>

#include "clock/monotonic_clock.hpp"
#include "transport/mpi/wtime_clock.hpp"

namespace berkeley {
namespace {

std::int64_t wtime_ns() { return std::llround(MPI_Wtime() * 1e9); }

TEST(WtimeClock, ReadsMpiWtimeInNanoseconds) {
  const mpi::WtimeClock clock;
  for (int i = 0; i < 100; ++i) {
    const std::int64_t before = wtime_ns();
    const std::int64_t reading = reading_ns(clock.now());
    const std::int64_t after = wtime_ns();
    EXPECT_LE(before, reading);
    EXPECT_LE(reading, after);
  }
}

TEST(WtimeClock, AdvancesAtTheRateOfRealTime) {
  const mpi::WtimeClock clock;
  const MonotonicClock monotonic;
  const auto tick_ns = static_cast<std::int64_t>(std::ceil(MPI_Wtick() * 1e9)) + 1;
  const ClockReading outer_start = monotonic.now();
  const ClockReading start = clock.now();
  const ClockReading inner_start = monotonic.now();
  while (monotonic.now() - inner_start < Nanoseconds{10'000'000}) {
  }
  const ClockReading inner_end = monotonic.now();
  const ClockReading end = clock.now();
  const ClockReading outer_end = monotonic.now();
  const Nanoseconds elapsed = end - start;
  const Nanoseconds inner = inner_end - inner_start;
  const Nanoseconds outer = outer_end - outer_start;
  EXPECT_GE(static_cast<double>(elapsed.count() + 2 * tick_ns),
            static_cast<double>(inner.count()) * (1 - kMaxRelativeRate))
      << "MPI_Wtime advanced " << elapsed.count() << " ns over at least " << inner.count() << " ns";
  EXPECT_LE(static_cast<double>(elapsed.count() - 2 * tick_ns),
            static_cast<double>(outer.count()) * (1 + kMaxRelativeRate))
      << "MPI_Wtime advanced " << elapsed.count() << " ns over at most " << outer.count() << " ns";
}

}  // namespace
}  // namespace berkeley
