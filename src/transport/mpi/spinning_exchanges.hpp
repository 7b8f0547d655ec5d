#pragma once
// While two ranks time a ping-pong, neither may give its core away inside a round trip. Open MPI's
// progress engine yields the core on every idle poll where it was told to (mpi_yield_when_idle, which
// berkeley_mpi sets where a node runs more ranks than cores: progress_waiting.hpp); on a busy core a
// sched_yield hands the core to the neighbour for up to a scheduler tick, and the round trip takes
// milliseconds (np 4 under a CPU hog here: median round trip 4 ms, best 27 us). So the pair being measured
// turns yielding off for its exchanges and back on after; every other rank still waits politely. Open MPI
// only (its opal_progress_set_yield_when_idle, looked up at run time); elsewhere nothing changes.
//
// Never yielding is no better where the pair shares one core (the scheduler balances 2 ranks against 2
// hogs by count): each would spin out its time slice waiting for the other, and a round trip took 4-12 ms.
// So the pair's waits spin for a while, then yield between polls (wait_spinning()), and the master moves
// off a core it finds it shares with the member (move_off_this_core()): idle np 4, bench, 75 ns spread in
// 245 us against 3.5 ms without the move.
#include <mpi.h>

#include <cstdint>

#include "core/time.hpp"

namespace berkeley::mpi {

// Where this process runs now: its core, and the kernel it belongs to (a hash of the boot id), so that two
// processes' tokens are equal only when they share a core of one machine.
[[nodiscard]] std::int64_t current_core_token();

// Moves this process off the core it runs on now (bars it, then allows every core it could use before:
// it stays where it was moved until the scheduler moves it again). Where the pair being measured shares a
// core, every round trip is two context switches: the master moves away as soon as a reply says so.
void move_off_this_core();

// Sleeps `pause_ns` barred from the core this process runs on, then lets it run anywhere it could
// before: where the pair being measured shares a core (the scheduler balances 2 ranks against 2 hogs by
// count, and never splits them) it wakes on another. Only sleeps where there is no other core to go to.
void sleep_elsewhere(Nanoseconds pause_ns);

// Completes `request`: MPI_Test in a tight loop for up to 20 us, then MPI_Test and sched_yield in turn, so
// that a partner on the same core gets to run.
void wait_spinning(MPI_Request& request);

class SpinningExchanges {
 public:
  SpinningExchanges();   // stops yielding, if this MPI yields and can be told
  ~SpinningExchanges();  // restores what was set before
  SpinningExchanges(const SpinningExchanges&) = delete;
  SpinningExchanges& operator=(const SpinningExchanges&) = delete;

 private:
  bool restore_ = false;
  bool previous_ = false;
};

}  // namespace berkeley::mpi
