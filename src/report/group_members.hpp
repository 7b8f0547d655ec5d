#pragma once
// One report for a sync group, whatever carried its members (MPI ranks, TCP clients): each member the master
// knows of becomes a row when it was synchronized and read at the shared instant, or a "left out" line with
// the reason. berkeley_mpi and berkeley_master both build their report here. Pure: no MPI, no sockets, no I/O.
#include <optional>
#include <string>
#include <vector>

#include "report/report_builder.hpp"
#include "report/run_report.hpp"

namespace berkeley {

// What the master knows of one member at the end of a run.
struct GroupMember {
  RankInputs inputs;  // inputs.id: its rank or client id; inputs.at_instant only when read_at_instant
  bool is_master = false;
  int rounds_answered = 0;       // rounds its estimate reached the master in
  bool read_at_instant = false;  // its clock was read at the shared instant
  std::string last_failure;      // why it last went missing
};

struct GroupRows {
  std::vector<RankInputs> rows;          // the members in the report, in the order given
  std::vector<std::string> left_out;     // "client 7: not synchronized (...)", one per member not in it
  Nanoseconds widest_read_window_ns{0};  // over the rows' shared-instant reads
};

// member_noun names a member in the left-out lines ("rank", "client"). The master is always a row.
[[nodiscard]] GroupRows group_rows(const std::vector<GroupMember>& members, const std::string& member_noun);

// build_run_report over the rows (parameters.ranks: how many), each row numbered by its inputs' id, and the
// left-out lines carried into the report.
[[nodiscard]] RunReport build_group_report(RunParameters parameters, const GroupRows& rows,
                                           std::vector<RoundSummary> rounds, const std::string& truth_reference,
                                           const std::vector<Nanoseconds>& later_ns = {},
                                           std::optional<Nanoseconds> required_precision_ns = std::nullopt);

}  // namespace berkeley
