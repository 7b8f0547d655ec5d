#include "bench/sim/bench_report.hpp"

#include <cstdio>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>

#include "core/duration_text.hpp"

namespace berkeley::sim::bench {
namespace {

std::string node_shape(const SimSyncResult& r) {
  if (!is_tree(r.method)) return "-";
  return std::to_string(r.nodes) + "x" + std::to_string(r.node_size);
}

std::string busiest_text(const SimSyncResult& r) {
  return std::to_string(r.busiest.messages) + " (#" + std::to_string(r.busiest.participant) + ")";
}

std::map<int, Nanoseconds> wall_per_size(const std::vector<BenchRun>& runs) {
  std::map<int, Nanoseconds> wall;
  for (const BenchRun& run : runs) wall[run.result.participants] += run.wall_ns;
  return wall;
}

}  // namespace

void write_bench_parameters(std::ostream& out, const BenchOptions& o) {
  const NetworkParams& n = o.network;
  out << "berkeley_sim_bench: seed " << n.seed << ", latency " << short_duration(n.latency_ns) << ", jitter 0.."
      << short_duration(n.jitter_ns) << ", asymmetry +-" << short_duration(n.asymmetry_ns) << ", message cost "
      << short_duration(n.message_cost_ns) << "\n  slow " << n.slow_fraction << " (+" << short_duration(n.slow_delay_ns)
      << " each way), silent " << n.silent_fraction << " (timeout " << short_duration(n.timeout_ns) << "), drift +-"
      << n.drift_ppm << " ppm, offsets +-" << short_duration(n.max_offset_ns) << ", tolerance "
      << short_duration(o.effective_tolerance()) << "\n  ping-pong " << o.pingpong.min_exchanges << ".."
      << o.pingpong.max_exchanges << " exchanges per peer, tree node size "
      << (o.node_size > 0 ? std::to_string(o.node_size) : std::string("ceil(sqrt(p))")) << '\n';
}

void write_bench_table_header(std::ostream& out) {
  out << std::left << std::setw(16) << "method" << std::right << std::setw(8) << "p" << std::setw(10) << "nodes"
      << std::setw(9) << "answered" << std::setw(17) << "busiest msgs" << std::setw(11) << "sync time" << std::setw(10)
      << "level 1" << std::setw(10) << "level 2" << std::setw(10) << "delivery" << std::setw(11) << "max uncert"
      << std::setw(11) << "spread bef" << std::setw(11) << "spread aft" << std::setw(10) << "wall" << '\n';
}

void write_bench_table_row(std::ostream& out, const BenchRun& run) {
  const SimSyncResult& r = run.result;
  out << std::left << std::setw(16) << sim_method_name(r.method) << std::right << std::setw(8) << r.participants
      << std::setw(10) << node_shape(r) << std::setw(9) << r.answered << std::setw(17) << busiest_text(r)
      << std::setw(11) << short_duration(r.sync_ns()) << std::setw(10) << short_duration(r.node_level_ns)
      << std::setw(10) << (is_tree(r.method) ? short_duration(r.leader_level_ns) : std::string("-")) << std::setw(10)
      << short_duration(r.delivery_ns) << std::setw(11) << short_duration(r.max_uncertainty_ns) << std::setw(11)
      << short_duration(r.spread_before_ns) << std::setw(11) << short_duration(r.spread_after_ns) << std::setw(10)
      << short_duration(run.wall_ns) << '\n';
}

void write_bench_footer(std::ostream& out, const std::vector<BenchRun>& runs) {
  out << "level 1: flat methods, the whole measurement; tree, the slowest node (all nodes at once). level 2: the root "
         "measuring the leaders.\nbusiest msgs: messages sent or received by the busiest participant (#id). spreads: "
         "true max - min over the participants that answered.\n";
  out << "wall time per p (all methods):";
  for (const auto& [participants, wall] : wall_per_size(runs))
    out << "  p=" << participants << " " << short_duration(wall);
  out << '\n';
}

void write_bench_json(std::ostream& out, const BenchOptions& o, const std::vector<BenchRun>& runs) {
  const NetworkParams& n = o.network;
  nlohmann::ordered_json doc;
  doc["program"] = "berkeley_sim_bench";
  doc["parameters"] = {
      {"seed", n.seed},
      {"latency_ns", n.latency_ns.count()},
      {"jitter_ns", n.jitter_ns.count()},
      {"asymmetry_ns", n.asymmetry_ns.count()},
      {"message_cost_ns", n.message_cost_ns.count()},
      {"slow_fraction", n.slow_fraction},
      {"slow_delay_ns", n.slow_delay_ns.count()},
      {"silent_fraction", n.silent_fraction},
      {"timeout_ns", n.timeout_ns.count()},
      {"drift_ppm", n.drift_ppm},
      {"max_offset_ns", n.max_offset_ns.count()},
      {"tolerance_ns", o.effective_tolerance().count()},
      {"pingpong_min_exchanges", o.pingpong.min_exchanges},
      {"pingpong_max_exchanges", o.pingpong.max_exchanges},
      {"node_size", o.node_size > 0 ? nlohmann::ordered_json(o.node_size) : nlohmann::ordered_json("sqrt")},
  };
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const BenchRun& run : runs) {
    const SimSyncResult& r = run.result;
    nlohmann::ordered_json row = {
        {"method", std::string(sim_method_name(r.method))},
        {"participants", r.participants},
        {"answered", r.answered},
        {"clocks_averaged", r.clocks_averaged},
        {"busiest_participant", r.busiest.participant},
        {"busiest_messages", r.busiest.messages},
        {"sync_ns", r.sync_ns().count()},
        {"node_level_ns", r.node_level_ns.count()},
        {"leader_level_ns", r.leader_level_ns.count()},
        {"delivery_ns", r.delivery_ns.count()},
        {"node_level_max_uncertainty_ns", r.node_level_max_uncertainty_ns.count()},
        {"leader_level_max_uncertainty_ns", r.leader_level_max_uncertainty_ns.count()},
        {"max_uncertainty_ns", r.max_uncertainty_ns.count()},
        {"spread_before_ns", r.spread_before_ns.count()},
        {"spread_after_ns", r.spread_after_ns.count()},
        {"wall_ns", run.wall_ns.count()},
    };
    if (is_tree(r.method)) {
      row["node_size"] = r.node_size;
      row["nodes"] = r.nodes;
    }
    list.push_back(std::move(row));
  }
  doc["runs"] = std::move(list);
  nlohmann::ordered_json wall = nlohmann::ordered_json::object();
  for (const auto& [participants, ns] : wall_per_size(runs)) wall[std::to_string(participants)] = ns.count();
  doc["wall_ns_per_size"] = std::move(wall);
  out << doc.dump(2) << '\n';
}

}  // namespace berkeley::sim::bench
