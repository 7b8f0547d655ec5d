#pragma once
// The synchronization methods the simulation runs. Each is the project's own code over SimGroupChannel:
// measure_collective / measure_pingpong, compose_tree for the tree, then berkeley_step_over over all clocks.
#include <optional>
#include <string_view>

namespace berkeley::sim {

enum class SimMethod {
  collective,       // the master gathers every reading at once (one interval bounds every estimate)
  pingpong,         // the master measures one participant at a time, min round trip of several exchanges
  tree,             // node leaders ping-pong their members, the root ping-pongs the leaders; offsets compose
  tree_collective,  // the same tree, each level gathered collectively
};

[[nodiscard]] constexpr std::string_view sim_method_name(SimMethod method) {
  switch (method) {
    case SimMethod::collective:
      return "collective";
    case SimMethod::pingpong:
      return "pingpong";
    case SimMethod::tree:
      return "tree";
    case SimMethod::tree_collective:
      return "tree-collective";
  }
  return "unknown";
}

[[nodiscard]] constexpr std::optional<SimMethod> parse_sim_method(std::string_view text) {
  for (const SimMethod m : {SimMethod::collective, SimMethod::pingpong, SimMethod::tree, SimMethod::tree_collective}) {
    if (text == sim_method_name(m)) return m;
  }
  return std::nullopt;
}

[[nodiscard]] constexpr bool is_tree(SimMethod method) {
  return method == SimMethod::tree || method == SimMethod::tree_collective;
}

}  // namespace berkeley::sim
