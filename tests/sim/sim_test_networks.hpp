#pragma once
// Networks of known truth shared by the simulation's round tests (flat_sync, tree_sync, sim_sync,
// group_round), and the check of what a round promises: every corrected clock near the true average.
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

#include "transport/sim/sim_sync.hpp"

namespace berkeley::sim::simtest {

inline constexpr Nanoseconds kSecond{1'000'000'000};
inline constexpr Nanoseconds kIdealLatency{5'000};

// the default model (jitter, asymmetry, slow and silent participants) without drift, so that every
// estimate's Cristian bound holds exactly
inline NetworkParams lossy_without_drift(std::uint64_t seed) {
  NetworkParams p;
  p.seed = seed;
  p.slow_fraction = 0.02;
  p.silent_fraction = 0.01;
  p.drift_ppm = 0.0;
  return p;
}

// the ideal network: symmetric links of kIdealLatency, nobody slow or silent, no drift; offsets as drawn
inline std::vector<ParticipantProfile> ideal(int participants, std::uint64_t seed) {
  std::vector<ParticipantProfile> profiles;
  for (int id = 0; id < participants; ++id) {
    profiles.push_back(
        symmetric_participant(kIdealLatency, draw_simulated_clock(seed, static_cast<std::uint64_t>(id), kSecond, 0.0)));
  }
  return profiles;
}

// the default parameters without jitter (with ideal(): every message's time is known exactly)
inline NetworkParams no_jitter() {
  NetworkParams p;
  p.jitter_ns = Nanoseconds{0};
  return p;
}

inline SimSyncOptions options_for(SimMethod method, int node_size = 0) {
  SimSyncOptions o;
  o.method = method;
  o.node_size = node_size;
  return o;
}

inline std::vector<int> first_ids(int n) {
  std::vector<int> ids(static_cast<std::size_t>(n));
  std::iota(ids.begin(), ids.end(), 0);
  return ids;
}

// What a round promises when no clock drifts: the master's agreed time is the mean of its estimates of the
// `averaged` clocks, each within its stated uncertainty (at most max_uncertainty) of the truth, so the agreed
// time is within max_uncertainty (+1 ns: the mean is truncated) of the true mean of those clocks, and each
// corrected clock within its own uncertainty of the agreed time. Checked exactly, in integers: for every
// participant in `corrected`, |n·corrected − Σ raw| ≤ n·(2·max_uncertainty + 1 ns), at the round's end.
inline void expect_every_clock_near_the_true_average(const SimNetwork& network, const std::vector<int>& averaged,
                                                     const std::vector<int>& corrected, const SimSyncResult& r) {
  ASSERT_FALSE(averaged.empty());
  const TrueInstant end = kSimulationStart + r.sync_ns();
  const auto n = static_cast<std::int64_t>(averaged.size());
  std::int64_t raw_sum = 0;  // readings of about a second and a few thousand clocks: far from overflow
  for (const int id : averaged) raw_sum += reading_ns(network.raw_clock(id, end));
  const std::int64_t bound = n * (2 * r.max_uncertainty_ns.count() + 1);
  for (const int id : corrected) {
    const std::int64_t off = n * reading_ns(network.read_clock(id, end)) - raw_sum;
    EXPECT_LE(off, bound) << "participant " << id << ", off by " << off / n << " ns";
    EXPECT_GE(off, -bound) << "participant " << id << ", off by " << off / n << " ns";
  }
}

// the participants that answer (the ones a round with these parameters measures and corrects)
inline std::vector<int> answering(const SimNetwork& network) {
  std::vector<int> ids;
  for (int id = 0; id < network.participants(); ++id) {
    if (network.answers(id)) ids.push_back(id);
  }
  return ids;
}

}  // namespace berkeley::sim::simtest
