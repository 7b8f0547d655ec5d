#pragma once
// How a run ended, as the libraries say it; each program maps it to its exit code (cli/exit_codes.hpp).
namespace berkeley {

enum class RunStatus {
  ok,
  output_error,      // a report file could not be opened or written
  precision_failed,  // a clock ended outside a stated bound, or the required precision was not met
  network_error,     // cannot listen or connect, too few clients joined, the peer vanished or broke the protocol
  refused,           // a client the master did not admit (group full, id taken)
  interrupted,       // a signal ended the run (RunOutcome::signal says which)
};

struct RunOutcome {
  RunStatus status = RunStatus::ok;
  int signal = 0;  // interrupted: the signal's number
};

}  // namespace berkeley
