#pragma once
// berkeley_master's run: listen, wait for N clients, Berkeley rounds over a TcpGroupChannel with the
// shared measurement (sync/measure.hpp), adjustments out, ground truth at a shared instant, report.
#include <iosfwd>

#include "transport/tcp/session_config.hpp"

namespace berkeley::tcp {

// Progress, table and verdict go to `out`; faults (drops, refusals, errors) to `log`.
// Returns an exit code of cli/exit_codes.hpp, or 128 + the signal that interrupted the run.
[[nodiscard]] int run_master(const MasterConfig& config, std::ostream& out, std::ostream& log);

}  // namespace berkeley::tcp
