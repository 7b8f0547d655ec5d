#include "report/group_members.hpp"

#include <algorithm>

namespace berkeley {

GroupRows group_rows(const std::vector<GroupMember>& members, const std::string& member_noun) {
  GroupRows out;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const GroupMember& m = members[i];
    const std::string name = member_noun + " " + std::to_string(m.inputs.id >= 0 ? m.inputs.id : static_cast<int>(i));
    if (!m.is_master && m.rounds_answered == 0) {
      out.left_out.push_back(name + ": not synchronized (no answer in any round: " + m.last_failure + ")");
      continue;
    }
    if (!m.read_at_instant) {
      out.left_out.push_back(name + ": synchronized in " + std::to_string(m.rounds_answered) +
                             " round(s), but not read at the shared instant (" + m.last_failure + ")");
      continue;
    }
    out.rows.push_back(m.inputs);
    out.widest_read_window_ns = std::max(out.widest_read_window_ns, m.inputs.at_instant.read_window_ns);
  }
  return out;
}

RunReport build_group_report(RunParameters parameters, const GroupRows& rows, std::vector<RoundSummary> rounds,
                             const std::string& truth_reference, const std::vector<Nanoseconds>& later_ns,
                             std::optional<Nanoseconds> required_precision_ns) {
  parameters.ranks = static_cast<int>(rows.rows.size());
  RunReport report =
      build_run_report(parameters, rows.rows, std::move(rounds), truth_reference, later_ns, required_precision_ns);
  report.left_out = rows.left_out;
  return report;
}

}  // namespace berkeley
