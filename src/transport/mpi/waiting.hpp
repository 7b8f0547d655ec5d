#pragma once
// How a rank waits for its turn and in collectives: busy (lowest latency, holds a core) or polite (sleeps
// between polls, so the ranks still being measured on an oversubscribed node keep the cores).
#include <mpi.h>

#include <atomic>
#include <boost/mpi/communicator.hpp>
#include <cstdint>

namespace berkeley::mpi {

// alert: polite with much shorter sleeps, for the one rank that is next in line
enum class Waiting { busy, polite, alert };

// Collective over `comm`: polite where this node runs more ranks than it has cores, busy otherwise.
[[nodiscard]] Waiting waiting_for_this_node(const boost::mpi::communicator& comm);

// Completes `request`, busily (MPI_Wait) or politely (MPI_Test, then a short sleep, until done). With a
// doorbell (see doorbells.hpp), a polite wait sleeps on it instead, until rung.
void complete(MPI_Request& request, Waiting waiting, std::atomic<std::uint32_t>* doorbell = nullptr);

}  // namespace berkeley::mpi
