#pragma once
#include <mpi.h>

#include <cmath>

#include "clock/clock.hpp"

namespace berkeley::mpi {

// MPI_Wtime as int64 ns. In Open MPI 4.1 it counts from this process's first call
// (MPI_WTIME_IS_GLOBAL = 0), so ranks on one host really differ. Construct it only after MPI_Init.
class WtimeClock final : public Clock {
 public:
  [[nodiscard]] ClockReading now() const override { return at_ns(std::llround(MPI_Wtime() * 1e9)); }
};

}  // namespace berkeley::mpi
