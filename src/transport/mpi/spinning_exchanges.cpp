#include "transport/mpi/spinning_exchanges.hpp"

#include <dlfcn.h>
#include <sched.h>

#include <chrono>
#include <thread>

namespace berkeley::mpi {
namespace {

// bool opal_progress_set_yield_when_idle(bool) in libopen-pal: sets it, returns the previous setting
using SetYield = bool (*)(bool);

SetYield set_yield() {
  static const SetYield function =
      reinterpret_cast<SetYield>(dlsym(RTLD_DEFAULT, "opal_progress_set_yield_when_idle"));  // NOLINT
  return function;
}

// a round trip between two running ranks takes about 1 us here: a partner that has not answered in 20 us
// is not running
constexpr std::chrono::microseconds kSpinFor{20};

}  // namespace

void sleep_elsewhere(Nanoseconds pause_ns) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  const bool known = sched_getaffinity(0, sizeof allowed, &allowed) == 0;
  cpu_set_t elsewhere = allowed;
  const int here = sched_getcpu();
  if (known && here >= 0) CPU_CLR(here, &elsewhere);
  const bool moved = known && here >= 0 && CPU_COUNT(&elsewhere) > 0 &&
                     sched_setaffinity(0, sizeof elsewhere, &elsewhere) == 0;
  std::this_thread::sleep_for(pause_ns);
  if (moved) (void)sched_setaffinity(0, sizeof allowed, &allowed);
}

void wait_spinning(MPI_Request& request) {
  int done = 0;
  const auto until = std::chrono::steady_clock::now() + kSpinFor;
  do {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  } while (done == 0 && std::chrono::steady_clock::now() < until);
  while (done == 0) {
    sched_yield();
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  }
}

SpinningExchanges::SpinningExchanges() {
  if (const SetYield set = set_yield(); set != nullptr) {
    previous_ = set(false);
    restore_ = previous_;
  }
}

SpinningExchanges::~SpinningExchanges() {
  if (restore_) (void)set_yield()(previous_);
}

}  // namespace berkeley::mpi
