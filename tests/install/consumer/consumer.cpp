// Another project's program on an installed berkeley_mpi: only <berkeley_mpi.hpp> and Boost.MPI.
//   mpiexec -n N ./consumer [OFFSETS_FILE]
// Every rank gets a simulated clock 1 ms × rank off; after the sync, the ranks read their clocks at one
// shared instant and rank 0 checks each against the bound the sync stated. With an offsets file (written by
// the installed berkeley_mpi --offsets), it maps a timestamp of each participant with to_global and checks
// the mapping against the formula of docs/report-format.md. Prints "consumer: ok" and exits 0, else 1.
#include <berkeley_mpi.hpp>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>

namespace {

bool check_offsets_file(const char* path) {
  const berkeley::OffsetsRead read = berkeley::read_offsets_file(path);
  if (!read.offsets) {
    std::cout << "consumer: FAILED: " << read.error << '\n';
    return false;
  }
  for (const berkeley::ParticipantOffsets& p : read.offsets->participants) {
    const berkeley::ClockMapping& m = p.mapping;
    const berkeley::ClockReading later = m.reference_local_ns + std::chrono::seconds(1);
    const auto expected = later + m.offset_ns + berkeley::drift_over(std::chrono::seconds(1), m.rate_ppm);
    if (m.to_global(later) != expected || m.to_global(m.reference_local_ns) != m.reference_local_ns + m.offset_ns) {
      std::cout << "consumer: FAILED: " << p.name << ": to_global does not follow the file's mapping\n";
      return false;
    }
  }
  std::cout << "consumer: offsets file " << path << ": " << read.offsets->participants.size()
            << " participants, written by " << read.offsets->generated_by << '\n';
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  berkeley::mpi::choose_progress_waiting(argc, argv);
  const boost::mpi::environment env(argc, argv);
  const boost::mpi::communicator world;

  const berkeley::MonotonicClock reference;
  const berkeley::SimulatedClock local(
      reference, berkeley::SimulatedClockParams{std::chrono::milliseconds(world.rank()), 0.0}, reference.now());
  berkeley::CorrectedClock clock(local);
  berkeley::mpi::SyncOptions options;
  options.rounds = 2;
  const auto outcome = berkeley::mpi::synchronize(world, clock, options);
  const auto readings = berkeley::mpi::probe_shared_instant(world, clock, reference, std::chrono::milliseconds(20));

  bool ok = true;
  if (world.rank() == 0) {
    std::cout << "consumer: " << berkeley::version_line("berkeley_mpi") << ", " << world.size() << " ranks\n";
    for (std::size_t r = 0; r < readings.size(); ++r) {
      const auto apart = readings[r].corrected_ns - readings[0].corrected_ns;
      const auto bound = outcome.bound_from_master(r, readings[0].raw_ns);
      const auto allowed =
          bound ? *bound + readings[r].read_window_ns + readings[0].read_window_ns : berkeley::Nanoseconds{-1};
      std::cout << "consumer: rank " << r << " is " << apart.count() << " ns from rank 0, bound " << allowed.count()
                << " ns\n";
      if (!bound || std::abs(apart.count()) > allowed.count()) ok = false;
      // to_global maps the raw reading to the corrected one
      if (clock.to_global(readings[0].raw_ns) != readings[0].corrected_ns) ok = false;
    }
    if (argc > 1 && !check_offsets_file(argv[1])) ok = false;
    std::cout << (ok ? "consumer: ok\n" : "consumer: FAILED\n");
  }
  int code = ok ? 0 : 1;
  boost::mpi::broadcast(world, code, 0);
  return code;
}
