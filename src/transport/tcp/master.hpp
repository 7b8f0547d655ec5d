#pragma once
// berkeley_master's run: listen, wait for N clients, Berkeley rounds over a TcpGroupChannel with the
// shared measurement (sync/measure.hpp), adjustments out, ground truth at a shared instant, report.
#include <iosfwd>

#include "core/run_status.hpp"
#include "transport/tcp/session_config.hpp"

namespace berkeley::tcp {

// Progress, table and verdict go to `out`; faults (drops, refusals, errors) to `log`.
// Returns how the run ended (the program maps it to its exit code).
[[nodiscard]] RunOutcome run_master(const MasterConfig& config, std::ostream& out, std::ostream& log);

}  // namespace berkeley::tcp
