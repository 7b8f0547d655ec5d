#pragma once
// Exit codes of the berkeley_* programs: each means one thing, the same on every rank.
namespace berkeley {

enum ExitCode : int {
  kExitOk = 0,
  kExitInternalError = 1,    // an unexpected failure (a bug, or MPI itself failed)
  kExitUsage = 2,            // bad command line: unknown option or a bad value
  kExitOutputError = 3,      // a report file could not be written
  kExitPrecisionFailed = 4,  // the clocks did not reach the precision that was required
  kExitNetworkError = 5,     // TCP: cannot listen or connect, too few clients joined, the peer vanished or broke the protocol
  kExitRefused = 6,          // TCP client: the master did not admit it (group full, id taken)
};

}  // namespace berkeley
