#pragma once
// Exit codes of the berkeley_* programs: each means one thing, the same on every rank.
#include "core/run_status.hpp"

namespace berkeley {

enum ExitCode : int {
  kExitOk = 0,
  kExitInternalError = 1,    // an unexpected failure (a bug, or MPI itself failed)
  kExitUsage = 2,            // bad command line: unknown option or a bad value
  kExitOutputError = 3,      // a report file could not be written
  kExitPrecisionFailed = 4,  // the clocks did not reach the precision that was required
  kExitNetworkError =
      5,             // TCP: cannot listen or connect, too few clients joined, the peer vanished or broke the protocol
  kExitRefused = 6,  // TCP client: the master did not admit it (group full, id taken)
};

// A library's outcome as the program's exit code: 128 + the signal for an interrupted run, as a shell does.
[[nodiscard]] constexpr int exit_code(RunOutcome outcome) {
  switch (outcome.status) {
    case RunStatus::ok:
      return kExitOk;
    case RunStatus::output_error:
      return kExitOutputError;
    case RunStatus::precision_failed:
      return kExitPrecisionFailed;
    case RunStatus::network_error:
      return kExitNetworkError;
    case RunStatus::refused:
      return kExitRefused;
    case RunStatus::interrupted:
      return 128 + outcome.signal;
  }
  return kExitInternalError;
}

}  // namespace berkeley
