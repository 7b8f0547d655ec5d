#include "transport/mpi/progress_waiting.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace berkeley::mpi {
namespace {

constexpr int kMaxLocalRanks = 1 << 20;
constexpr const char* kYieldVariable = "OMPI_MCA_mpi_yield_when_idle";

std::optional<int> count_of(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < 1 || value > kMaxLocalRanks) {
    return std::nullopt;
  }
  return value;
}

// SLURM_STEP_TASKS_PER_NODE: comma-separated "N" or "N(xK)" (K nodes with N tasks each), in node order.
std::optional<int> slurm_tasks_on_node(std::string_view list, int node) {
  int first = 0;  // index of the first node the current item covers
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    int repeat = 1;
    std::string_view tasks = item;
    if (const std::size_t open = item.find("(x"); open != std::string_view::npos) {
      if (item.back() != ')') return std::nullopt;
      const std::optional<int> times = count_of(item.substr(open + 2, item.size() - open - 3));
      if (!times) return std::nullopt;
      repeat = *times;
      tasks = item.substr(0, open);
    }
    const std::optional<int> count = count_of(tasks);
    if (!count) return std::nullopt;
    if (node < first + repeat) return count;
    first += repeat;
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> local_ranks_from(const EnvironmentLookup& environment) {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"}) {
    if (const std::optional<std::string> value = environment(name)) return count_of(*value);
  }
  const std::optional<std::string> per_node = environment("SLURM_STEP_TASKS_PER_NODE");
  const std::optional<std::string> node_id = environment("SLURM_NODEID");
  if (!per_node || !node_id) return std::nullopt;
  int node = 0;
  const auto [end, error] = std::from_chars(node_id->data(), node_id->data() + node_id->size(), node);
  if (error != std::errc{} || end != node_id->data() + node_id->size() || node < 0) return std::nullopt;
  return slurm_tasks_on_node(*per_node, node);
}

std::optional<bool> wait_override_from(const std::vector<std::string>& args) {
  // the last --wait counts (as for the command-line parser); 0 busy, 1 polite, -1 auto or none
  int polite = -1;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view value;
    if (args[i] == "--wait" && i + 1 < args.size()) {
      value = args[i + 1];
    } else if (std::string_view(args[i]).starts_with("--wait=")) {
      value = std::string_view(args[i]).substr(7);
    } else {
      continue;
    }
    polite = value == "polite" ? 1 : value == "busy" ? 0 : -1;
  }
  if (polite < 0) return std::nullopt;
  return polite == 1;
}

ProgressWaiting decide_progress_waiting(const std::optional<std::string>& users_setting,
                                        std::optional<bool> polite_override, std::optional<int> local_ranks,
                                        long cores) {
  if (users_setting) return {std::nullopt, std::string(kYieldVariable) + "=" + *users_setting + " set by the user"};
  if (polite_override) {
    return {*polite_override ? "1" : "0", *polite_override ? "--wait polite" : "--wait busy"};
  }
  if (!local_ranks || cores < 1) return {std::nullopt, "placement not known: Open MPI's own choice"};
  const std::string placement =
      std::to_string(*local_ranks) + " rank(s) on this node, " + std::to_string(cores) + " core(s)";
  if (*local_ranks > cores) return {"1", placement + ": yield"};
  return {"0", placement + ": poll"};
}

ProgressWaiting choose_progress_waiting(int argc, char** argv) {
  const EnvironmentLookup environment = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): before any thread
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
  };
  const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  ProgressWaiting choice = decide_progress_waiting(environment(kYieldVariable), wait_override_from(args),
                                                   local_ranks_from(environment), sysconf(_SC_NPROCESSORS_ONLN));
  // NOLINTNEXTLINE(concurrency-mt-unsafe): before MPI_Init, no other thread yet
  if (choice.yield_when_idle) setenv(kYieldVariable, choice.yield_when_idle->c_str(), 1);
  return choice;
}

}  // namespace berkeley::mpi
