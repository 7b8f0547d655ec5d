#include "transport/tcp/master.hpp"

#include <algorithm>
#include <ostream>

#include "clock/clock_choice.hpp"
#include "clock/clock_domain.hpp"
#include "clock/corrected_clock.hpp"
#include "clock/monotonic_clock.hpp"
#include "core/duration_text.hpp"
#include "report/group_members.hpp"
#include "report/report_builder.hpp"
#include "report/report_file.hpp"
#include "report/report_output.hpp"
#include "report/table_writer.hpp"
#include "sync/group_audit.hpp"
#include "sync/measure.hpp"
#include "sync/round.hpp"
#include "sync/round_summary.hpp"
#include "transport/tcp/fd_limit.hpp"
#include "transport/tcp/lobby.hpp"
#include "transport/tcp/message_codec.hpp"
#include "transport/tcp/shared_instant_probe.hpp"
#include "transport/tcp/stated_bound.hpp"
#include "transport/tcp/tcp_group_channel.hpp"

namespace berkeley::tcp {
namespace {

// descriptors besides the clients': stdio, the listening socket, the event loop, the report file
constexpr std::uint64_t kSpareDescriptors = 32;
// connections that may wait for their HELLO at the same time (beyond: refused at once)
constexpr std::uint64_t kMaxPending = 1024;
// time for the PROBE lines to reach every client before the instant
constexpr Nanoseconds kProbeLeadBase{std::chrono::milliseconds(20)};
constexpr Nanoseconds kProbeLeadPerClient{std::chrono::microseconds(20)};

// The TCP master's round for sync/round.hpp's run_round: ping-pong with every client in turn, then one ADJUST
// line to each client that answered (the master's own correction needs no line).
class TcpRound final : public RoundTransport {
 public:
  TcpRound(TcpGroupChannel& channel, const PingPongPolicy& policy, int round)
      : channel_(channel), policy_(policy), round_(round) {}

  const GroupEstimates& measure() override {
    channel_.begin_round();
    estimates_ = measure_pingpong(channel_, policy_);
    return estimates_;
  }
  Nanoseconds deliver(const GroupStep& step) override {
    for (int m = 1; m < channel_.size(); ++m) {
      const auto i = static_cast<std::size_t>(m);
      if (step.answered[i])
        channel_.member(m).connection->send(format_line(Adjust{round_, step.step.corrections_ns[i]}));
    }
    return step.step.corrections_ns[0];
  }

 private:
  TcpGroupChannel& channel_;
  const PingPongPolicy& policy_;
  int round_;
  GroupEstimates estimates_;
};

class MasterRun {
 public:
  MasterRun(const MasterConfig& config, std::ostream& out, std::ostream& log)
      : config_(config),
        out_(out),
        log_(log),
        local_clock_(make_clock(config.clock, 0, reference_)),
        clock_(*local_clock_),
        descriptors_(
            raise_descriptor_limit(static_cast<std::uint64_t>(config.clients) + kSpareDescriptors + kMaxPending)),
        lobby_(io_, clock_, log, LobbyConfig{config.clients, config.timeout_ns, pending_allowed(), config.key}),
        files_(config.json_path, config.offsets_path, config.csv_path) {}

  RunOutcome run();

 private:
  // what the descriptor limit leaves for connections that have not said HELLO yet (0: not enough for N)
  [[nodiscard]] std::size_t pending_allowed() const {
    const std::uint64_t needed = static_cast<std::uint64_t>(config_.clients) + kSpareDescriptors;
    return descriptors_ <= needed ? 0 : static_cast<std::size_t>(std::min(kMaxPending, descriptors_ - needed));
  }

  [[nodiscard]] RunOutcome interrupted(const std::string& during);
  void on_join(const Member& member, std::int64_t joined);
  void run_round(int round, TcpGroupChannel& channel);
  RunOutcome finish(TcpGroupChannel& channel, const std::vector<Member>& members);

  const MasterConfig& config_;
  std::ostream& out_;
  std::ostream& log_;
  IoDriver io_;
  const MonotonicClock reference_{};
  std::unique_ptr<Clock> local_clock_;
  CorrectedClock clock_;
  std::uint64_t descriptors_;
  Lobby lobby_;
  ReportFiles files_;                 // --json, --offsets, --csv
  std::vector<GroupMember> records_;  // [0] the master, then the members by id
  std::vector<Nanoseconds> sent_ns_;  // the sum of the corrections sent to each member ([0]: applied)
  std::vector<RoundSummary> rounds_;
  RoundWork work_;  // the step's buffers, reused round after round
  ClockReading first_poll_{};
};

RunOutcome MasterRun::interrupted(const std::string& during) {
  const int signal_number = io_.interrupted_by();
  log_ << "berkeley_master: interrupted (signal " << signal_number << ") " << during << '\n';
  lobby_.close_all("master interrupted", std::min(config_.timeout_ns, Nanoseconds{std::chrono::seconds(1)}), true);
  return {RunStatus::interrupted, signal_number};
}

void MasterRun::on_join(const Member& member, std::int64_t joined) {
  if (config_.quiet) return;
  // flushed, like every progress line: whoever watches the master (a script, a test) sees it now
  out_ << "client " << member.client_id << " joined from " << member.connection->peer() << " (" << joined << " of "
       << config_.clients << ")" << std::endl;
}

void MasterRun::run_round(int round, TcpGroupChannel& channel) {
  if (round == 1) first_poll_ = reference_.now();
  TcpRound transport(channel, config_.pingpong, round);
  RoundRecord record;
  clock_.apply(berkeley::run_round(transport, config_.tolerance_ns, work_, &record));
  const GroupEstimates& estimates = record.estimates;
  const GroupStep& step = record.step;

  for (std::size_t i = 0; i < records_.size(); ++i) {
    GroupMember& r = records_[i];
    sent_ns_[i] += step.step.corrections_ns[i];
    if (step.answered[i]) ++r.rounds_answered;
    if (i > 0 && !step.answered[i]) r.last_failure = channel.last_failure(static_cast<int>(i));
    if (round == 1) {
      r.inputs.first_estimate = estimates[i].value_or(PeerEstimate{});
      r.inputs.excluded = step.step.excluded[i];
    }
  }
  rounds_.push_back(summarize_round(round, estimates, step.step, record.duration_ns));
  if (config_.quiet) return;
  write_round_line(out_, rounds_.back(), config_.rounds);
  for (int m = 1; m < channel.size(); ++m) {
    if (!step.answered[static_cast<std::size_t>(m)]) {
      out_ << "round " << round << ": client " << channel.member(m).client_id
           << " left out of this round: " << channel.last_failure(m) << '\n';
    }
  }
  out_.flush();
}

RunOutcome MasterRun::finish(TcpGroupChannel& channel, const std::vector<Member>& members) {
  if (config_.audit_exchanges > 0) {
    channel.begin_round();
    const auto audits = audit_group(channel, config_.audit_exchanges);
    for (std::size_t i = 0; i < records_.size(); ++i) records_[i].inputs.audit = audits[i];
    if (io_.interrupted_by() != 0) return interrupted("during the audit");
  }
  const Nanoseconds lead = kProbeLeadBase + kProbeLeadPerClient * static_cast<std::int64_t>(members.size());
  const std::vector<Nanoseconds> sent(sent_ns_.begin() + 1, sent_ns_.end());
  std::vector<bool> shares_master_clock;  // where the instant of the master's CLOCK_MONOTONIC means one moment
  for (std::size_t i = 1; i < records_.size(); ++i) {
    shares_master_clock.push_back(same_clock_domain(records_[i].inputs.clock_domain, records_[0].inputs.clock_domain));
  }
  const ProbeResult probe =
      probe_shared_instant(io_, members, shares_master_clock, clock_, reference_, lead, config_.timeout_ns, sent, log_);
  const Nanoseconds elapsed = reference_.now() - first_poll_;
  if (io_.interrupted_by() != 0) return interrupted("while reading the clocks at the shared instant");
  lobby_.close_all(std::to_string(config_.rounds) + " round(s) done", config_.timeout_ns, false);

  records_[0].inputs.at_instant = probe.master;
  records_[0].read_at_instant = true;
  for (std::size_t i = 0; i < members.size(); ++i) {
    GroupMember& r = records_[i + 1];
    r.read_at_instant = probe.members[i].has_value();
    if (r.read_at_instant) r.inputs.at_instant = *probe.members[i];
    if (!r.read_at_instant) r.last_failure = probe.failures[i];
  }
  RunParameters parameters;
  parameters.rounds = config_.rounds;
  parameters.seed = config_.clock.seed;
  parameters.max_offset_ns = config_.clock.max_offset_ns;
  parameters.drift_ppm = config_.clock.drift_ppm;
  parameters.tolerance_ns = config_.tolerance_ns;
  parameters.clock = clock_kind_name(config_.clock.kind);
  parameters.method = "pingpong";
  parameters.interval_ns = config_.interval_ns;
  GroupRows rows = group_rows(records_, "client");
  const Nanoseconds bound = stated_bound(rounds_, rows.widest_read_window_ns, config_.clock.drift_ppm, elapsed);
  // Each clock within `bound` of the group average, so a client within twice that of the master: the same
  // per-clock claim berkeley_mpi states (offset_after_bound_ns), checked against the truth where it is measured.
  for (RankInputs& row : rows.rows) row.bound_ns = row.id == 0 ? Nanoseconds{0} : 2 * bound;
  const RunReport report =
      build_group_report(parameters, rows, rounds_, "CLOCK_MONOTONIC", {}, config_.require_precision_ns);
  // averaged in round 1 (so part of the group's time), gone before the instant: the group's average is unread
  std::vector<std::string> averaged_unread;
  for (std::size_t i = 1; i < records_.size(); ++i) {
    if (!records_[i].inputs.excluded && !records_[i].read_at_instant)
      averaged_unread.push_back("client " + std::to_string(records_[i].inputs.id));
  }
  write_report_text(out_, report, config_.quiet);
  write_bound_note(out_, report, bound, averaged_unread);
  out_.flush();
  std::optional<std::string> broken;
  if (!within_bound(report, bound, averaged_unread)) broken = "a clock ended outside the stated bound";
  return {save_and_judge(report, files_, log_, "berkeley_master", broken)};
}

RunOutcome MasterRun::run() {
  if (ReportFile* unopened = files_.open_all()) {
    log_ << cannot_open_message("berkeley_master", *unopened) << '\n';
    return {RunStatus::output_error};
  }
  if (pending_allowed() == 0) {
    log_ << "berkeley_master: " << config_.clients << " clients need more than " << descriptors_
         << " file descriptors, the most this process may open (ulimit -Hn)\n";
    return {RunStatus::network_error};
  }
  io_.watch_signals();
  if (const auto problem = lobby_.listen(config_.bind_address, config_.port)) {
    log_ << "berkeley_master: " << *problem << '\n';
    return {RunStatus::network_error};
  }
  // first line, flushed: a script that asked for --port 0 reads the port from here
  out_ << "berkeley_master: listening on " << lobby_.endpoint_text() << ", waiting for " << config_.clients
       << " client(s) (join timeout " << format_duration(config_.join_timeout_ns) << ")" << std::endl;
  lobby_.start_accepting([this](const Member& member, std::int64_t joined) { on_join(member, joined); });

  io_.run_until(deadline_after(config_.join_timeout_ns), [this] { return lobby_.full(); });
  if (io_.interrupted_by() != 0) return interrupted("while waiting for clients");
  if (!lobby_.full()) {
    log_ << "berkeley_master: only " << lobby_.members().size() << " of " << config_.clients
         << " clients joined within " << format_duration(config_.join_timeout_ns) << '\n';
    lobby_.close_all("not enough clients joined", config_.timeout_ns, true);
    return {RunStatus::network_error};
  }

  std::vector<Member> members = lobby_.members();
  std::sort(members.begin(), members.end(), [](const Member& a, const Member& b) { return a.client_id < b.client_id; });
  const std::string host = this_host_name();
  const std::optional<std::string> domain = monotonic_clock_domain();
  records_.resize(members.size() + 1);
  sent_ns_.assign(records_.size(), Nanoseconds{0});
  records_[0].is_master = true;
  for (GroupMember& r : records_) r.inputs.transport = "tcp";
  records_[0].inputs.id = 0;
  records_[0].inputs.host = host;
  records_[0].inputs.clock_domain = domain;
  for (std::size_t i = 0; i < members.size(); ++i) {
    RankInputs& r = records_[i + 1].inputs;
    r.id = static_cast<int>(members[i].client_id);
    const MemberPlace place = place_of(members[i], host, domain);
    r.host = place.host;
    r.clock_domain = place.clock_domain;
  }
  if (!config_.quiet) {
    out_ << (members.size() == 1 ? "the client joined" : "all " + std::to_string(members.size()) + " clients joined")
         << "; master clock " << clock_kind_name(config_.clock.kind) << ", seed " << config_.clock.seed << ", "
         << config_.rounds << " round(s), interval " << format_duration(config_.interval_ns) << ", timeout "
         << format_duration(config_.timeout_ns) << std::endl;
  }
  TcpGroupChannel channel(io_, members, clock_, config_.timeout_ns);
  for (int round = 1; round <= config_.rounds; ++round) {
    if (round > 1) io_.run_for(config_.interval_ns);  // serving (and dropping) connections meanwhile
    if (io_.interrupted_by() != 0) return interrupted("between rounds");
    run_round(round, channel);
    if (io_.interrupted_by() != 0) return interrupted("in round " + std::to_string(round));
  }
  return finish(channel, members);
}

}  // namespace

RunOutcome run_master(const MasterConfig& config, std::ostream& out, std::ostream& log) {
  MasterRun run(config, out, log);
  return run.run();
}

}  // namespace berkeley::tcp
