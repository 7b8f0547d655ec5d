#pragma once
// Doorbells: one word per rank in memory shared by the ranks of a node, on which a rank waiting for
// its turn sleeps in the kernel (a futex) until rank 0 rings it. On an oversubscribed node this beats
// polling: a sleeping rank takes no core from the pair being measured (polling wakes it every 20-100 µs,
// and its wake-ups land inside their round trips), yet it is running again a few µs after the ring
// instead of at its next poll. Only ranks on rank 0's node have one; elsewhere waiting falls back to
// polling with sleeps. (A shared window MPI cannot make is an MPI error, fatal as any other; a futex call
// that fails returns at once, so the wait becomes a poll of MPI_Test.)
#include <mpi.h>

#include <atomic>
#include <cstdint>
#include <vector>

namespace berkeley::mpi {

class Doorbells {
 public:
  // Collective over `comm`.
  explicit Doorbells(MPI_Comm comm);
  ~Doorbells();  // collective (frees the shared window), except while an exception unwinds this rank
  Doorbells(const Doorbells&) = delete;
  Doorbells& operator=(const Doorbells&) = delete;

  // rank 0: wake `rank` if it sleeps on its doorbell (nothing for a rank on another node)
  void ring(int rank);
  // rank 0: wake every rank that has a doorbell
  void ring_all();
  // rank 0: whether `rank` has a doorbell (shares rank 0's node)
  [[nodiscard]] bool reaches(int rank) const { return of_rank_[static_cast<std::size_t>(rank)] != nullptr; }
  // this rank's doorbell; nullptr where it has none
  [[nodiscard]] std::atomic<std::uint32_t>* mine() const { return mine_; }

 private:
  MPI_Win window_ = MPI_WIN_NULL;
  std::atomic<std::uint32_t>* mine_ = nullptr;
  std::vector<std::atomic<std::uint32_t>*> of_rank_;  // rank 0: per rank of comm, nullptr if none
};

// Sleeps on `doorbell` until it is rung or `timeout_ns` passes (returns at once if it already moved
// past `seen`).
void sleep_on(std::atomic<std::uint32_t>& doorbell, std::uint32_t seen, long timeout_ns);

}  // namespace berkeley::mpi
