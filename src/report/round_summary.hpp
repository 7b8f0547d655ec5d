#pragma once
// One round's summary line for the report, from what the master measured and the step it computed.
// Shared by every transport that runs rounds over a GroupChannel. Pure.
#include <optional>
#include <span>

#include "core/fault_tolerant_average.hpp"
#include "core/min_rtt_filter.hpp"
#include "report/run_report.hpp"

namespace berkeley {

// estimates: per member (the master included), nullopt for a member that did not answer
[[nodiscard]] RoundReport summarize_round(int round, std::span<const std::optional<PeerEstimate>> estimates,
                                          const BerkeleyStep& step, Nanoseconds duration_ns);

}  // namespace berkeley
