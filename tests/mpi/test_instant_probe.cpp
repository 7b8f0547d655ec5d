// The ground-truth probe over MPI (transport/mpi/instant_probe.hpp): rank 0 names one instant of the shared
// CLOCK_MONOTONIC, every rank reads its clock there (raw and corrected, and at later instants where the clock
// knows them), rank 0 gets the readings in the communicator's order. All ranks of a test run share one host, so
// simulated clocks give exact values that rank 0 can recompute from each rank's drawn parameters; clocks that
// must be read are checked within their read windows. Where the processes run (gather_places) is checked
// against what this process sees of its own host and kernel.
#include <gtest/gtest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "clock/clock_domain.hpp"
#include "clock/corrected_clock.hpp"
#include "clock/monotonic_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "transport/mpi/instant_probe.hpp"

namespace berkeley {
namespace {

namespace bmpi = boost::mpi;
constexpr Nanoseconds kSecond{1'000'000'000};
constexpr Nanoseconds kLead{20'000'000};
constexpr std::uint64_t kSeed = 41;

// every rank's clock: offset within +-1 s and drift within +-50 ppm, drawn; rank 0 runs at the reference's
// rate, so the instant it was read at is its reading minus its offset
SimulatedClockParams params_of_rank(int rank) {
  SimulatedClockParams params = draw_simulated_clock(kSeed, static_cast<std::uint64_t>(rank), kSecond, 50.0);
  if (rank == 0) params.drift_ppm = 0.0;
  return params;
}

// each rank's correction: a step, and a rate from an anchor, distinct per rank and of alternating sign
struct Correction {
  Nanoseconds offset_ns;
  double rate_ppm;
};
Correction correction_of_rank(int rank) {
  return Correction{Nanoseconds{(rank % 2 == 0 ? -1 : 1) * (12'345 + 1'000 * rank)}, 3.0 * rank - 7.5};
}

// A clock that is known only by reading it: the reference shifted by an offset (no exact_at).
class ShiftedClock final : public Clock {
 public:
  ShiftedClock(const Clock& reference, Nanoseconds offset_ns) : reference_(reference), offset_ns_(offset_ns) {}
  [[nodiscard]] ClockReading now() const override { return reference_.now() + offset_ns_; }

 private:
  const Clock& reference_;
  Nanoseconds offset_ns_;
};

// A clock for CorrectedClock::corrected() alone (which never reads the clock beneath)
class UnreadClock final : public Clock {
 public:
  [[nodiscard]] ClockReading now() const override { return ClockReading{}; }
};

class InstantProbe : public ::testing::Test {
 protected:
  // one anchor for every rank's drift and correction: rank 0's reference now, broadcast
  ClockReading shared_anchor() const {
    std::int64_t anchor = world.rank() == 0 ? reading_ns(reference.now()) : 0;
    bmpi::broadcast(world, anchor, 0);
    return at_ns(anchor);
  }

  const bmpi::communicator world;
  const MonotonicClock reference;
};

// Simulated clocks: every value is exact (windows 0) and rank 0 recomputes it from the rank's parameters at the
// instant it named, which lies at least the lead after the call began and has passed when the call returns,
// on every rank.
TEST_F(InstantProbe, SimulatedClocksGiveEveryRanksExactValuesAtOneInstantAndLater) {
  const ClockReading anchor = shared_anchor();
  const SimulatedClock local(reference, params_of_rank(world.rank()), anchor);
  CorrectedClock clock(local);
  const Correction mine = correction_of_rank(world.rank());
  clock.set_linear(mine.offset_ns, mine.rate_ppm, anchor);
  const std::vector<Nanoseconds> later{Nanoseconds{1'000'000}, 10 * kSecond};

  const ClockReading before = reference.now();
  const auto readings = mpi::probe_shared_instant(world, clock, reference, kLead, later);
  const ClockReading after = reference.now();

  // the instant, told to every rank: each one's probe returned only once it had passed
  std::int64_t instant_ns = 0;
  if (world.rank() == 0 && !readings.empty()) instant_ns = reading_ns(readings[0].raw_ns - params_of_rank(0).offset_ns);
  bmpi::broadcast(world, instant_ns, 0);
  const ClockReading instant = at_ns(instant_ns);
  EXPECT_GE(after, instant) << "rank " << world.rank() << " returned before the shared instant";
  if (world.rank() != 0) {
    EXPECT_TRUE(readings.empty()) << "rank " << world.rank();
    return;
  }
  ASSERT_EQ(readings.size(), static_cast<std::size_t>(world.size()));
  EXPECT_GE(instant, before + kLead);
  const UnreadClock unread;
  for (int r = 0; r < world.size(); ++r) {
    const InstantObservation& o = readings[static_cast<std::size_t>(r)];
    const SimulatedClock theirs(reference, params_of_rank(r), anchor);
    CorrectedClock corrected(unread);
    corrected.set_linear(correction_of_rank(r).offset_ns, correction_of_rank(r).rate_ppm, anchor);
    EXPECT_EQ(o.raw_ns, theirs.at_reference(instant)) << "rank " << r;
    EXPECT_EQ(o.corrected_ns, corrected.corrected(o.raw_ns)) << "rank " << r;
    EXPECT_EQ(o.read_window_ns, Nanoseconds{0}) << "rank " << r;
    ASSERT_EQ(o.later_raw_ns.size(), later.size()) << "rank " << r;
    ASSERT_EQ(o.later_corrected_ns.size(), later.size()) << "rank " << r;
    for (std::size_t k = 0; k < later.size(); ++k) {
      ASSERT_TRUE(o.later_raw_ns[k].has_value() && o.later_corrected_ns[k].has_value()) << "rank " << r;
      EXPECT_EQ(*o.later_raw_ns[k], theirs.at_reference(instant + later[k])) << "rank " << r << ", later " << k;
      EXPECT_EQ(*o.later_corrected_ns[k], corrected.corrected(*o.later_raw_ns[k])) << "rank " << r << ", later " << k;
    }
  }
}

// Clocks that must be read: each value is the clock at the instant within its read window, the correction is
// applied to exactly that reading, and nothing is known at later instants.
TEST_F(InstantProbe, ReadClocksAreWithinTheirReadWindowsAndKnowNothingLater) {
  auto offset_of = [](int r) { return params_of_rank(r).offset_ns; };
  const ShiftedClock local(reference, offset_of(world.rank()));
  CorrectedClock clock(local);
  clock.apply(correction_of_rank(world.rank()).offset_ns);
  const ClockReading before = reference.now();
  const auto readings = mpi::probe_shared_instant(world, clock, reference, kLead, {kSecond});
  const ClockReading after = reference.now();
  if (world.rank() != 0) return;
  ASSERT_EQ(readings.size(), static_cast<std::size_t>(world.size()));
  const InstantObservation& master = readings.front();
  // rank 0's own reading places the instant (within its window)
  const ClockReading instant = master.raw_ns - offset_of(0);
  EXPECT_GE((instant + master.read_window_ns), before + kLead);
  EXPECT_LE(instant - master.read_window_ns, after);
  for (int r = 0; r < world.size(); ++r) {
    const InstantObservation& o = readings[static_cast<std::size_t>(r)];
    EXPECT_GE(o.read_window_ns, Nanoseconds{0}) << "rank " << r;
    EXPECT_LT(o.read_window_ns, Nanoseconds::max()) << "rank " << r << ": never read";
    const Nanoseconds error = (o.raw_ns - master.raw_ns) - (offset_of(r) - offset_of(0));
    EXPECT_LE(std::abs(error.count()), (o.read_window_ns + master.read_window_ns).count() + 1)
        << "rank " << r << ": " << error.count() << " ns off the truth, windows " << o.read_window_ns.count() << " and "
        << master.read_window_ns.count() << " ns";
    EXPECT_EQ(o.corrected_ns - o.raw_ns, correction_of_rank(r).offset_ns) << "rank " << r;
    ASSERT_EQ(o.later_raw_ns.size(), 1U) << "rank " << r;
    ASSERT_EQ(o.later_corrected_ns.size(), 1U) << "rank " << r;
    EXPECT_FALSE(o.later_raw_ns[0].has_value()) << "rank " << r;
    EXPECT_FALSE(o.later_corrected_ns[0].has_value()) << "rank " << r;
  }
}

// Over a communicator in the reverse of the world's order, the readings come in that communicator's order, and
// its rank 0 (the world's last rank) is the one that gets them.
TEST_F(InstantProbe, ReadingsComeInTheCommunicatorsOrder) {
  const bmpi::communicator reversed = world.split(0, world.size() - world.rank());
  auto offset_of = [](int world_rank) { return params_of_rank(world_rank).offset_ns; };
  const SimulatedClock local(reference, SimulatedClockParams{offset_of(world.rank()), 0.0}, reference.now());
  const CorrectedClock clock(local);
  const auto readings = mpi::probe_shared_instant(reversed, clock, reference, kLead);
  if (reversed.rank() != 0) {
    EXPECT_TRUE(readings.empty());
    return;
  }
  EXPECT_EQ(world.rank(), world.size() - 1);
  ASSERT_EQ(readings.size(), static_cast<std::size_t>(world.size()));
  const ClockReading instant = readings[0].raw_ns - offset_of(world.size() - 1);
  for (int k = 0; k < reversed.size(); ++k) {
    const int world_rank = world.size() - 1 - k;
    EXPECT_EQ(readings[static_cast<std::size_t>(k)].raw_ns, instant + offset_of(world_rank)) << "position " << k;
    EXPECT_EQ(readings[static_cast<std::size_t>(k)].corrected_ns, readings[static_cast<std::size_t>(k)].raw_ns);
    EXPECT_TRUE(readings[static_cast<std::size_t>(k)].later_raw_ns.empty());
  }
}

// One host, one kernel: every rank's place is this host's processor name and this kernel's clock domain.
TEST_F(InstantProbe, GatherPlacesGivesRankZeroEveryRanksHostAndClockDomain) {
  const auto places = mpi::gather_places(world);
  if (world.rank() != 0) {
    EXPECT_TRUE(places.empty()) << "rank " << world.rank();
    return;
  }
  ASSERT_EQ(places.size(), static_cast<std::size_t>(world.size()));
  const std::string host = bmpi::environment::processor_name();
  const std::optional<std::string> domain = monotonic_clock_domain();
  for (int r = 0; r < world.size(); ++r) {
    const mpi::RankPlace& place = places[static_cast<std::size_t>(r)];
    EXPECT_EQ(place.host, host) << "rank " << r;
    EXPECT_EQ(place.clock_domain, domain) << "rank " << r;
  }
}

}  // namespace
}  // namespace berkeley
