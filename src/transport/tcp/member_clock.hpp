#pragma once
// The clock a master (id 0) or client (id ≥ 1) runs on: simulated from (seed, id) like berkeley_mpi's
// ranks, so client i of a TCP session and rank i of an MPI run with the same seed get the same clock.
#include <cstdint>
#include <memory>

#include "clock/clock.hpp"
#include "transport/tcp/session_config.hpp"

namespace berkeley::tcp {

[[nodiscard]] std::unique_ptr<Clock> make_member_clock(const MemberClockConfig& config, std::int64_t id,
                                                       const Clock& reference);

}  // namespace berkeley::tcp
