#pragma once
// The independent audit: after sync, rank 0 re-measures every rank's corrected clock against its own
// with a different estimator (interval intersection over a fixed number of ping-pongs), giving a
// residual ± uncertainty per rank. Works where there is no shared reference clock (across hosts).
#include <boost/mpi/communicator.hpp>
#include <vector>

#include "clock/clock.hpp"
#include "core/interval_audit.hpp"

namespace berkeley::mpi {

// Collective. Rank 0 gets one estimate per rank (its own: exactly 0); the others get an empty vector.
[[nodiscard]] std::vector<AuditEstimate> audit_offsets(const boost::mpi::communicator& comm, const Clock& clock,
                                                       int exchanges_per_rank);

}  // namespace berkeley::mpi
