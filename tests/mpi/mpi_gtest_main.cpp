// GoogleTest main for MPI tests: initialises MPI, runs every test on every rank, prints only on rank 0,
// and makes the verdict global — a test that failed on any rank fails on all, and every rank exits
// with the same code.
#include <gtest/gtest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <iostream>

#include "transport/mpi/progress_waiting.hpp"

namespace {

// Reports, on rank 0, the failures of the other ranks as well, after each test.
class GatherFailures : public testing::EmptyTestEventListener {
 public:
  void OnTestEnd(const testing::TestInfo& info) override {
    const boost::mpi::communicator world;
    const int failed_here = info.result()->Failed() ? 1 : 0;
    std::vector<int> failed;
    boost::mpi::gather(world, failed_here, failed, 0);
    if (world.rank() != 0) return;
    for (std::size_t rank = 1; rank < failed.size(); ++rank) {
      if (failed[rank] != 0) {
        std::cerr << "[  FAILED  ] " << info.test_suite_name() << "." << info.name() << " on rank " << rank << '\n';
      }
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  // as berkeley_mpi does: Open MPI polls or yields inside MPI calls as this node's placement needs
  berkeley::mpi::choose_progress_waiting(argc, argv);
  boost::mpi::environment env(argc, argv);
  const boost::mpi::communicator world;
  testing::InitGoogleTest(&argc, argv);
  testing::TestEventListeners& listeners = testing::UnitTest::GetInstance()->listeners();
  if (world.rank() != 0) delete listeners.Release(listeners.default_result_printer());
  listeners.Append(new GatherFailures);

  const int failed_here = RUN_ALL_TESTS() == 0 ? 0 : 1;
  int failed_anywhere = 0;
  boost::mpi::all_reduce(world, failed_here, failed_anywhere, boost::mpi::maximum<int>());
  return failed_anywhere;
}
