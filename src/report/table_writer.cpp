#include "report/table_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <string>

#include "core/duration_text.hpp"

namespace berkeley {
namespace {

// fixed unit per column so the column lines up: value in `unit_ns` units with `decimals` digits
std::string fixed(Nanoseconds value, double unit_ns, int decimals) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, static_cast<double>(value.count()) / unit_ns);
  return text;
}

std::string seconds(ClockReading value) {
  // integer arithmetic: a double would lose the last digits of a clock reading
  const std::int64_t ns = reading_ns(value);
  const std::int64_t whole = ns / 1'000'000'000;
  const std::int64_t frac = (ns < 0 ? -ns : ns) % 1'000'000'000;
  char text[48];
  std::snprintf(text, sizeof text, "%s%lld.%09lld", (ns < 0 && whole == 0) ? "-" : "", static_cast<long long>(whole),
                static_cast<long long>(frac));
  return text;
}

// a row's name: its rank, or "tcp <id>" for a TCP client in a group that also has MPI ranks
std::string member_label(const RankReport& r, bool mixed) {
  return mixed && r.transport == "tcp" ? "tcp " + std::to_string(r.rank) : std::to_string(r.rank);
}

bool is_mixed(const RunReport& report) {
  const auto tcp =
      std::count_if(report.ranks.begin(), report.ranks.end(), [](const RankReport& r) { return r.transport == "tcp"; });
  return tcp > 0 && static_cast<std::size_t>(tcp) < report.ranks.size();
}

// "4 ranks", or in a mixed group "7 clocks (4 MPI ranks, 3 TCP clients)"
std::string members_text(const RunReport& report) {
  if (!is_mixed(report)) return std::to_string(report.parameters.ranks) + " ranks";
  const auto tcp =
      std::count_if(report.ranks.begin(), report.ranks.end(), [](const RankReport& r) { return r.transport == "tcp"; });
  const auto mpi = static_cast<std::int64_t>(report.ranks.size()) - tcp;
  return std::to_string(report.ranks.size()) + " clocks (" + std::to_string(mpi) + " MPI ranks, " +
         std::to_string(tcp) + " TCP clients)";
}

void write_audit(std::ostream& out, const RunReport& report) {
  if (!report.audit_ran) {
    out << "audit: not run";
  } else {
    out << "audit (interval intersection, independent of the sync estimator): largest |residual| "
        << format_duration(report.audit_max_abs_residual_ns);
    Nanoseconds widest{0};
    for (const RankReport& r : report.ranks) widest = std::max(widest, r.audit_uncertainty_ns);
    out << ", each within +-" << format_duration(widest);
    if (report.audit_max_bound_ns) {
      out << "; every clock within " << format_duration(*report.audit_max_bound_ns) << " of the master";
    }
    if (!report.audits_consistent) out << "; INCONSISTENT for some rank (intervals do not intersect)";
    if (!report.audits_complete) {
      out << "; NOT AUDITED (no answer):";
      for (const RankReport& r : report.ranks) {
        if (!r.audited) out << ' ' << member_label(r, is_mixed(report));
      }
    }
  }
  if (report.required_precision_ns) {
    out << "; required " << format_duration(*report.required_precision_ns) << ": "
        << (report.precision_met ? "met" : "NOT met");
  }
  out << '\n';
}

void write_drift(std::ostream& out, const RunReport& report) {
  char line[256];
  const bool mixed = is_mixed(report);
  const int label_width = mixed ? 11 : 4;
  std::snprintf(line, sizeof line, "%*s %16s %16s %16s", label_width, "rank", "drift [ppm]", "+-2sigma [ppm]",
                "rate [ppm]");
  out << line;
  for (const Nanoseconds later : report.later_ns) {
    const std::int64_t ns = later.count();
    const std::string head =
        "err +" + (ns % 1'000'000'000 == 0 ? std::to_string(ns / 1'000'000'000) + "s" : format_duration(later));
    std::snprintf(line, sizeof line, " %20s %20s %20s", (head + " pred").c_str(), (head + " meas").c_str(),
                  (head + " bound").c_str());
    out << line;
  }
  out << '\n';
  for (const RankReport& r : report.ranks) {
    std::snprintf(line, sizeof line, "%*s %16.4f %16.4f %16.4f", label_width, member_label(r, mixed).c_str(),
                  r.drift_ppm, r.drift_uncertainty_ppm, r.rate_applied_ppm);
    out << line;
    for (std::size_t k = 0; k < report.later_ns.size(); ++k) {
      const std::string measured =
          r.measured_error_ns[k] ? format_duration(*r.measured_error_ns[k]) : std::string("(not known)");
      const std::string bound = r.later_bound_ns[k] ? format_duration(*r.later_bound_ns[k]) : std::string("(none)");
      std::snprintf(line, sizeof line, " %20s %20s %20s", format_duration(r.predicted_error_ns[k]).c_str(),
                    measured.c_str(), bound.c_str());
      out << line;
    }
    out << '\n';
  }
}

// What the sync states about the clocks after it, and, where the truth is measured, whether that held.
void write_bound(std::ostream& out, const RunReport& report) {
  if (!report.spread_after_bound_ns) return;
  Nanoseconds widest{0};
  for (const RankReport& r : report.ranks) widest = std::max(widest, r.offset_after_bound_ns.value_or(Nanoseconds{0}));
  out << "sync bound: every clock within " << format_duration(widest) << " of the master, so within "
      << format_duration(*report.spread_after_bound_ns) << " of each other (the sync's own measurements)";
  if (report.bounds_held) {
    out << "; against the truth: " << (*report.bounds_held ? "held" : "NOT HELD");
    for (const RankReport& r : report.ranks) {
      if (r.bound_held && !*r.bound_held) {
        out << "; rank " << r.rank << " at " << format_duration(r.offset_after_ns) << " from the master, bound "
            << format_duration(*r.offset_after_bound_ns);
      }
    }
  }
  out << '\n';
}

}  // namespace

void write_table(std::ostream& out, const RunReport& report) {
  char line[256];
  const bool mixed = is_mixed(report);
  const int label_width = mixed ? 11 : 4;
  std::snprintf(line, sizeof line, "%*s  %-16s %20s %16s %16s %20s %14s\n", label_width, "rank", "host",
                "clock before [s]", "offset [ms]", "correction [ms]", "clock after [s]", "residual [us]");
  out << line;
  for (const RankReport& r : report.ranks) {
    std::snprintf(line, sizeof line, "%*s  %-16.16s %20s %16s %16s %20s %14s", label_width,
                  member_label(r, mixed).c_str(), r.host.c_str(), seconds(r.clock_before_ns).c_str(),
                  fixed(r.offset_before_ns, 1e6, 6).c_str(), fixed(r.correction_ns, 1e6, 6).c_str(),
                  seconds(r.clock_after_ns).c_str(), fixed(r.residual_ns, 1e3, 3).c_str());
    out << line << (r.excluded ? "  excluded from average" : "") << '\n';
  }
  for (const LevelSummary& level : report.levels) {
    out << "level " << level.level << " (" << level.description << "): " << level.groups << " group(s), "
        << level.ranks_measured << ' ' << level.measured_noun << " measured, estimates within +-"
        << format_duration(level.max_uncertainty_ns) << ", largest best round trip "
        << format_duration(level.max_round_trip_ns) << '\n';
  }
  write_bound(out, report);
  write_audit(out, report);
  if (report.drift_corrected) write_drift(out, report);
  write_summary(out, report);
}

void write_summary(std::ostream& out, const RunReport& report) {
  out << "spread before: " << report.spread_before_ns.count() << " ns (" << format_duration(report.spread_before_ns)
      << "), after: " << report.spread_after_ns.count() << " ns (" << format_duration(report.spread_after_ns)
      << (report.spread_after_bound_ns ? ", bound " + format_duration(*report.spread_after_bound_ns) : std::string())
      << (report.bounds_held && !*report.bounds_held ? ", BOUND NOT HELD" : "") << "), " << members_text(report) << ", "
      << report.parameters.rounds << " round(s), "
      << (report.truth_measured
              ? "measured at one shared instant of " + report.truth_reference +
                    (report.hosts > 1 ? " (" + std::to_string(report.hosts) + " hosts, one kernel's clock)" : "")
              : "estimated (ranks on " + std::to_string(report.hosts) + " host(s) reading " +
                    std::to_string(report.clock_domains) + " different CLOCK_MONOTONIC: no shared reference clock)")
      << '\n';
}

void write_round_line(std::ostream& out, const RoundSummary& round, int rounds_total) {
  out << "round " << round.round << "/" << rounds_total << ": average " << format_duration(round.average_offset_ns)
      << " from master, " << round.clocks_averaged << " clocks averaged, " << round.clocks_excluded
      << " excluded, largest correction " << format_duration(round.max_abs_correction_ns) << ", estimate within +-"
      << format_duration(round.max_uncertainty_ns) << ", took " << format_duration(round.duration_ns);
  if (round.clocks_remeasured > 0) {
    out << " (" << round.clocks_remeasured << " measured again for a quiet exchange";
    if (round.clocks_out_of_patience > 0) {
      out << ", " << round.clocks_out_of_patience << " still busy when the patience budget ran out";
    }
    out << ')';
  }
  out << '\n';
}

}  // namespace berkeley
