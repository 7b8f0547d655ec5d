#pragma once
// What a sync says of its rounds and levels, as it runs: one summary per round (from what the master measured
// and the step it took) and one per level of measurement. Every transport's rounds give the same summaries;
// the report (src/report/) lays them out. Pure.
#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "core/fault_tolerant_average.hpp"
#include "core/min_rtt_filter.hpp"
#include "core/time.hpp"

namespace berkeley {

struct RoundSummary {
  int round = 0;  // 1-based
  Nanoseconds average_offset_ns{0};
  Nanoseconds median_offset_ns{0};
  Nanoseconds max_abs_correction_ns{0};
  Nanoseconds max_uncertainty_ns{0};  // largest stated uncertainty of the round's estimates
  std::size_t clocks_averaged = 0;
  std::size_t clocks_excluded = 0;
  // how far any one averaged clock moved the average (BerkeleyStep::one_clock_influence_ns): what a
  // participant that lies inside its tolerance could have pulled the group this round
  Nanoseconds one_clock_influence_ns{0};
  Nanoseconds duration_ns{0};  // master's wall time for the round
  // pingpong/tree with patience: members measured again while the machine was busy, and those whose
  // budget ran out before a quiet exchange appeared (their bound is the best the budget reached)
  std::size_t clocks_remeasured = 0;
  std::size_t clocks_out_of_patience = 0;
};

// What one level of the sync measured (a flat sync has one level; the tree two: within nodes, then
// among the node leaders).
struct LevelSummary {
  int level = 1;
  std::string description;
  int groups = 1;                       // groups measured in parallel at this level
  int ranks_measured = 0;               // estimates made (the measuring ranks themselves not counted)
  std::string measured_noun = "ranks";  // what those estimates are of ("clients" for TCP clients)
  Nanoseconds max_uncertainty_ns{0};    // the widest bound of any estimate at this level
  Nanoseconds max_round_trip_ns{0};
};

// estimates: per member (the master included), nullopt for a member that did not answer
[[nodiscard]] RoundSummary summarize_round(int round, std::span<const std::optional<PeerEstimate>> estimates,
                                           const BerkeleyStep& step, Nanoseconds duration_ns);

// One level's summary from its estimates ([0] the measuring master itself, not counted): estimates made,
// the largest bound and round trip
[[nodiscard]] LevelSummary summarize_level(int level, std::string description, int groups,
                                           std::span<const std::optional<PeerEstimate>> estimates);

}  // namespace berkeley
