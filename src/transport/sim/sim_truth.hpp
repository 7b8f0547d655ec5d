#pragma once
// Ground truth: the simulation knows every clock as a function of true time, so the spread of the clocks
// is computed exactly, never estimated.
#include <span>

#include "transport/sim/sim_network.hpp"

namespace berkeley::sim {

enum class ClockState { raw, corrected };

// max − min of the clocks of `participants` at the true instant `at` (0 for none)
[[nodiscard]] Nanoseconds true_spread(const SimNetwork& network, std::span<const int> participants, TrueInstant at,
                                      ClockState state);

}  // namespace berkeley::sim
