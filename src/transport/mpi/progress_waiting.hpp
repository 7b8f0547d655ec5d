#pragma once
// How Open MPI's progress engine waits inside MPI calls (MPI_Gather, MPI_Recv...): busy-polling (lowest
// latency, holds a core) or yielding the core between polls. Open MPI yields only where *it* sees more ranks
// than slots; with slots from --host, a hostfile or Slurm it busy-polls even when the node runs more ranks
// than cores, and then the ranks waiting their turn take the cores from the pair being measured. Where ranks
// do not outnumber cores, yielding costs precision instead (each wake-up lands inside a round trip).
// So the program decides, before MPI_Init, from the placement the launcher states in the environment:
// yield where this node runs more ranks than it has cores, poll otherwise. An explicit choice wins: the
// user's own OMPI_MCA_mpi_yield_when_idle, or --wait busy|polite. Pure except choose_progress_waiting().
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace berkeley::mpi {

// How many ranks the launcher put on this node, from its environment before MPI_Init: Open MPI's mpirun
// (OMPI_COMM_WORLD_LOCAL_SIZE), MPICH's Hydra (MPI_LOCALNRANKS), Slurm's srun (SLURM_STEP_TASKS_PER_NODE,
// e.g. "2(x3),1", at SLURM_NODEID). nullopt when none says, or says something that is not a count.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
[[nodiscard]] std::optional<int> local_ranks_from(const EnvironmentLookup& environment);

// "--wait busy|polite" (or "--wait=...") among the program's arguments: true for polite, false for busy,
// nullopt for auto or absent (the command-line parser judges bad values later, after MPI_Init).
[[nodiscard]] std::optional<bool> wait_override_from(const std::vector<std::string>& args);

struct ProgressWaiting {
  std::optional<std::string> yield_when_idle;  // the value to set ("1" / "0"); nullopt: leave it alone
  std::string reason;                          // why, for --help-level diagnostics and the tests
};

// The decision: an existing OMPI_MCA_mpi_yield_when_idle stays; --wait busy/polite sets 0/1; otherwise 1
// where local_ranks > cores, 0 where the placement is known and fits, nothing where it is not known.
[[nodiscard]] ProgressWaiting decide_progress_waiting(const std::optional<std::string>& users_setting,
                                                      std::optional<bool> polite_override,
                                                      std::optional<int> local_ranks, long cores);

// Before MPI_Init: decides from this process's environment, arguments and online cores, and sets
// OMPI_MCA_mpi_yield_when_idle accordingly (MPICH ignores it). Returns the decision.
ProgressWaiting choose_progress_waiting(int argc, char** argv);

}  // namespace berkeley::mpi
