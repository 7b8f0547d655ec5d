#include "transport/mpi/spinning_exchanges.hpp"

#include <dlfcn.h>
#include <sched.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "clock/clock_domain.hpp"

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

// Runs `meanwhile` barred from the current core, then allows every core allowed before.
template <class Meanwhile>
void elsewhere(Meanwhile meanwhile) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  const bool known = sched_getaffinity(0, sizeof allowed, &allowed) == 0;
  cpu_set_t others = allowed;
  const int here = sched_getcpu();
  if (known && here >= 0) CPU_CLR(here, &others);
  const bool moved = known && here >= 0 && CPU_COUNT(&others) > 0 && sched_setaffinity(0, sizeof others, &others) == 0;
  meanwhile();
  if (moved) (void)sched_setaffinity(0, sizeof allowed, &allowed);
}

}  // namespace

std::int64_t current_core_token() {
  static const std::int64_t kernel = [] {
    const std::optional<std::string> domain = monotonic_clock_domain();
    return static_cast<std::int64_t>(std::hash<std::string>{}(domain.value_or("")) & 0x7FFF'FFFF'FFFFULL);
  }();
  return (kernel << 16) | (sched_getcpu() & 0xFFFF);
}

void move_off_this_core() {
  elsewhere([] {});
}

void sleep_elsewhere(Nanoseconds pause_ns) {
  elsewhere([pause_ns] { std::this_thread::sleep_for(pause_ns); });
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
