#include "transport/mpi/doorbells.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <ctime>
#include <exception>
#include <new>

#include "transport/mpi/node_communicator.hpp"

namespace berkeley::mpi {
namespace {
// one doorbell per cache line, so that ringing one rank does not disturb the next
constexpr MPI_Aint kStride = 64;
static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

long futex(std::atomic<std::uint32_t>* word, int op, std::uint32_t value, const timespec* timeout) {
  // shared (not FUTEX_PRIVATE): the word is in memory mapped by several processes
  return syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), op, value, timeout, nullptr, 0);
}
}  // namespace

Doorbells::Doorbells(MPI_Comm comm) {
  const boost::mpi::communicator node = shared_memory_node(boost::mpi::communicator(comm, boost::mpi::comm_attach));
  const int node_rank = node.rank();
  const int node_size = node.size();
  // all doorbells of the node in node rank 0's segment
  void* base = nullptr;
  const MPI_Aint bytes = node_rank == 0 ? kStride * node_size : 0;
  MPI_Win_allocate_shared(bytes, 1, MPI_INFO_NULL, node, &base, &window_);
  MPI_Aint segment = 0;
  int unit = 1;
  MPI_Win_shared_query(window_, 0, &segment, &unit, &base);
  auto* bytes_at = static_cast<unsigned char*>(base);
  if (node_rank == 0) {
    for (int i = 0; i < node_size; ++i) new (bytes_at + kStride * i) std::atomic<std::uint32_t>(0);
  }
  MPI_Barrier(node);  // constructed before anyone uses them

  // which ranks share rank 0's node: translate every rank of comm into the node communicator
  MPI_Group comm_group = MPI_GROUP_NULL;
  MPI_Group node_group = MPI_GROUP_NULL;
  MPI_Comm_group(comm, &comm_group);
  MPI_Comm_group(node, &node_group);
  int size = 1;
  int rank = 0;
  MPI_Comm_size(comm, &size);
  MPI_Comm_rank(comm, &rank);
  std::vector<int> ranks(static_cast<std::size_t>(size));
  std::vector<int> in_node(ranks.size());
  for (int r = 0; r < size; ++r) ranks[static_cast<std::size_t>(r)] = r;
  MPI_Group_translate_ranks(comm_group, size, ranks.data(), node_group, in_node.data());
  MPI_Group_free(&comm_group);
  MPI_Group_free(&node_group);

  auto at = [&](int i) { return std::launder(reinterpret_cast<std::atomic<std::uint32_t>*>(bytes_at + kStride * i)); };
  const bool with_master = in_node[0] != MPI_UNDEFINED;  // rank 0 is on this node: it can ring us
  if (with_master) mine_ = at(node_rank);
  if (rank == 0) {
    of_rank_.assign(ranks.size(), nullptr);
    for (std::size_t r = 1; r < ranks.size(); ++r) {
      if (in_node[r] != MPI_UNDEFINED) of_rank_[r] = at(in_node[r]);
    }
  }
}

Doorbells::~Doorbells() {
  // MPI_Win_free synchronizes all ranks. Unwinding from an exception on this rank alone, it would wait for
  // ranks that never come, and the job would hang instead of reaching its abort: leave the window then.
  if (window_ != MPI_WIN_NULL && std::uncaught_exceptions() == 0) MPI_Win_free(&window_);
}

void Doorbells::ring(int rank) {
  std::atomic<std::uint32_t>* bell = of_rank_[static_cast<std::size_t>(rank)];
  if (bell == nullptr) return;
  bell->fetch_add(1, std::memory_order_release);
  futex(bell, FUTEX_WAKE, INT_MAX, nullptr);
}

void Doorbells::ring_all() {
  for (std::size_t r = 1; r < of_rank_.size(); ++r) ring(static_cast<int>(r));
}

void sleep_on(std::atomic<std::uint32_t>& doorbell, std::uint32_t seen, long timeout_ns) {
  const timespec timeout{timeout_ns / 1'000'000'000, timeout_ns % 1'000'000'000};
  futex(&doorbell, FUTEX_WAIT, seen, &timeout);  // EAGAIN when already rung, ETIMEDOUT, EINTR: all fine
}

}  // namespace berkeley::mpi
