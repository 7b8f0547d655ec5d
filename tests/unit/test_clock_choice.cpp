// The one clock factory: the clock each program's participants run on.
#include <gtest/gtest.h>

#include <ctime>
#include <stdexcept>

#include "clock/clock_choice.hpp"
#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"

namespace berkeley {
namespace {

// a clock that reads a fixed value, standing in for MPI_Wtime
class FixedClock final : public Clock {
 public:
  [[nodiscard]] ClockReading now() const override { return at_ns(42); }
};

TEST(MakeClock, ASimulatedClockIsTheOneDrawnFromSeedAndId) {
  const MonotonicClock reference;
  const ClockChoice choice{ClockKind::simulated, 7, Nanoseconds{250'000'000}, 0.0};
  const auto clock = make_clock(choice, 3, reference);
  const SimulatedClockParams drawn = draw_simulated_clock(7, 3, Nanoseconds{250'000'000}, 0.0);
  const ClockReading before = reference.now();
  const ClockReading read = clock->now();
  const ClockReading after = reference.now();
  // reference + the drawn offset (no drift): between the two reference readings around it
  EXPECT_GE(read, before + drawn.offset_ns);
  EXPECT_LE(read, after + drawn.offset_ns);
  // another id, another clock (ids 3 and 4 draw different offsets for this seed)
  const auto other = make_clock(choice, 4, reference);
  EXPECT_NE(draw_simulated_clock(7, 4, Nanoseconds{250'000'000}, 0.0).offset_ns, drawn.offset_ns);
  EXPECT_GT(std::abs((other->now() - clock->now()).count()), 0);
}

TEST(MakeClock, RealtimeReadsClockRealtime) {
  const MonotonicClock reference;
  const auto clock = make_clock(ClockChoice{ClockKind::realtime}, 0, reference);
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  const std::int64_t realtime_ns = ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
  EXPECT_LT(std::abs(reading_ns(clock->now()) - realtime_ns),
            1'000'000'000LL);  // coarse: it is that clock, not another
}

TEST(MakeClock, MonotonicReadsClockMonotonicItself) {
  const MonotonicClock reference;
  const auto clock = make_clock(ClockChoice{ClockKind::monotonic}, 3, reference);
  timespec before{};
  timespec after{};
  clock_gettime(CLOCK_MONOTONIC, &before);
  const ClockReading read = clock->now();
  clock_gettime(CLOCK_MONOTONIC, &after);
  // between two reads of CLOCK_MONOTONIC: that clock, with no offset (a tracer's timestamps map as they are)
  EXPECT_GE(reading_ns(read), before.tv_sec * 1'000'000'000LL + before.tv_nsec);
  EXPECT_LE(reading_ns(read), after.tv_sec * 1'000'000'000LL + after.tv_nsec);
}

TEST(MakeClock, MpiWtimeComesFromTheTransportAndIsRefusedWithoutIt) {
  const MonotonicClock reference;
  const ClockChoice choice{ClockKind::mpi_wtime};
  EXPECT_THROW((void)make_clock(choice, 0, reference), std::invalid_argument);
  const auto clock = make_clock(choice, 0, reference, [] { return std::make_unique<FixedClock>(); });
  EXPECT_EQ(clock->now(), at_ns(42));
}

TEST(ClockKindName, EveryKindHasTheNameTheReportsUse) {
  EXPECT_STREQ(clock_kind_name(ClockKind::simulated), "simulated");
  EXPECT_STREQ(clock_kind_name(ClockKind::realtime), "realtime");
  EXPECT_STREQ(clock_kind_name(ClockKind::mpi_wtime), "mpi_wtime");
  EXPECT_STREQ(clock_kind_name(ClockKind::monotonic), "monotonic");
}

}  // namespace
}  // namespace berkeley
