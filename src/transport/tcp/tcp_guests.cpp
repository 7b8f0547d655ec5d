#include "transport/tcp/tcp_guests.hpp"

#include <algorithm>
#include <ostream>
#include <stdexcept>

#include "clock/clock_domain.hpp"
#include "core/duration_text.hpp"
#include "sync/group_audit.hpp"
#include "transport/tcp/message_codec.hpp"
#include "transport/tcp/shared_instant_probe.hpp"

namespace berkeley::tcp {
namespace {

// connections that may wait for their HELLO at once (the guests are few: an MPI job's helpers)
constexpr std::size_t kMaxPending = 64;

}  // namespace

TcpGuests::TcpGuests(GuestConfig config, const Clock& master_clock, const Clock& reference, std::ostream& out,
                     std::ostream& log)
    : config_(std::move(config)),
      master_clock_(master_clock),
      reference_(reference),
      out_(out),
      log_(log),
      lobby_(io_, master_clock_, log_, LobbyConfig{config_.clients, config_.timeout_ns, kMaxPending, config_.key}) {}

TcpGuests::~TcpGuests() {
  if (!closed_) close("the master ended");
}

std::optional<std::string> TcpGuests::join() {
  if (const auto problem = lobby_.listen(config_.bind_address, config_.port)) return problem;
  // flushed: a script that asked for --port 0 reads the port from here
  out_ << "berkeley_mpi: serving TCP clients on " << lobby_.endpoint_text() << ", waiting for " << config_.clients
       << " (join timeout " << format_duration(config_.join_timeout_ns) << ")" << std::endl;
  lobby_.start_accepting([this](const Member& member, std::int64_t joined) {
    if (config_.quiet) return;
    out_ << "client " << member.client_id << " joined from " << member.connection->peer() << " (" << joined << " of "
         << config_.clients << ")" << std::endl;
  });
  io_.run_until(deadline_after(config_.join_timeout_ns), [this] { return lobby_.full(); });
  if (!lobby_.full()) {
    const std::string why = "only " + std::to_string(lobby_.members().size()) + " of " +
                            std::to_string(config_.clients) + " TCP clients joined within " +
                            format_duration(config_.join_timeout_ns);
    lobby_.close_all("not enough clients joined", config_.timeout_ns, true);
    closed_ = true;
    return why;
  }
  members_ = lobby_.members();
  std::sort(members_.begin(), members_.end(),
            [](const Member& a, const Member& b) { return a.client_id < b.client_id; });
  // where each runs, learned once (a host name and a clock domain are system calls and file reads)
  own_domain_ = monotonic_clock_domain();
  const std::string own_host = this_host_name();
  for (const Member& member : members_) places_.push_back(place_of(member, own_host, own_domain_));
  channel_ = std::make_unique<TcpGroupChannel>(io_, members_, master_clock_, config_.timeout_ns);
  sent_ns_.assign(members_.size(), Nanoseconds{0});
  failures_.assign(members_.size(), std::string());
  answered_.assign(members_.size(), 0);
  asked_.assign(members_.size(), false);
  return std::nullopt;
}

const GroupEstimates& TcpGuests::measure() {
  if (!channel_) throw std::logic_error("TcpGuests::measure: the guests have not joined");
  ++round_;
  channel_->begin_round();
  with_master_ = measure_pingpong(*channel_, config_.pingpong);
  estimates_.assign(with_master_.begin() + 1, with_master_.end());
  for (int g = 0; g < size(); ++g) {
    const auto i = static_cast<std::size_t>(g);
    if (estimates_[i]) {
      ++answered_[i];
    } else {
      failures_[i] = channel_->last_failure(g + 1);
    }
  }
  return estimates_;
}

void TcpGuests::deliver(const GroupStep& step, std::size_t first) {
  for (int g = 0; g < size(); ++g) {
    const auto i = static_cast<std::size_t>(g);
    if (!step.answered[first + i]) continue;
    const Nanoseconds correction = step.step.corrections_ns[first + i];
    members_[i].connection->send(format_line(Adjust{round_, correction}));
    sent_ns_[i] += correction;
  }
  flush_until(deadline_after(config_.timeout_ns));  // each client corrects its clock now, not at the next poll
}

void TcpGuests::correct_in_all(const std::vector<std::optional<Nanoseconds>>& total_ns) {
  if (total_ns.size() != members_.size()) throw std::invalid_argument("TcpGuests::correct_in_all: one per guest");
  ++round_;  // a client takes one ADJUST per round number, each later than the last
  for (std::size_t i = 0; i < members_.size(); ++i) {
    if (!total_ns[i] || !members_[i].connection->open()) continue;
    members_[i].connection->send(format_line(Adjust{round_, *total_ns[i] - sent_ns_[i]}));
    sent_ns_[i] = *total_ns[i];
  }
  flush_until(deadline_after(config_.timeout_ns));
}

void TcpGuests::wait(Nanoseconds pause_ns) { io_.run_for(pause_ns); }

std::vector<std::optional<AuditEstimate>> TcpGuests::audit(int exchanges_per_guest) {
  channel_->begin_round();
  std::vector<std::optional<AuditEstimate>> all = audit_group(*channel_, exchanges_per_guest);
  all.erase(all.begin());  // the master's own
  for (int g = 0; g < size(); ++g) {
    const auto i = static_cast<std::size_t>(g);
    // a guest never synchronized keeps the rounds' reason: it says more than what came after
    if (!all[i] && answered_[i] > 0) failures_[i] = channel_->last_failure(g + 1);
  }
  return all;
}

void TcpGuests::ask_to_read_at(ClockReading instant_ns) {
  instant_ = instant_ns;
  std::vector<bool> shares;
  for (const MemberPlace& place : places_) shares.push_back(same_clock_domain(place.clock_domain, own_domain_));
  asked_ = send_probes(members_, shares, reference_, instant_ns);
  // out before the instant: a line queued behind an unfinished write goes only when the loop runs
  flush_until(deadline_after(std::max(Nanoseconds{0}, instant_ns - reference_.now())));
}

void TcpGuests::flush_until(SteadyTime deadline) {
  io_.run_until(deadline, [this] {
    return std::none_of(members_.begin(), members_.end(),
                        [](const Member& m) { return m.connection->open() && m.connection->writing(); });
  });
}

std::vector<std::optional<InstantObservation>> TcpGuests::readings(const InstantObservation& master) {
  const ProbeResult result =
      collect_readings(io_, members_, asked_, instant_, master, reference_, config_.timeout_ns, sent_ns_, log_);
  for (int g = 0; g < size(); ++g) {
    const auto i = static_cast<std::size_t>(g);
    if (!result.members[i] && answered_[i] > 0) failures_[i] = result.failures[i];
  }
  return result.members;
}

void TcpGuests::close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  lobby_.close_all(reason, config_.timeout_ns, false);
}

std::int64_t TcpGuests::id(int guest) const { return members_.at(static_cast<std::size_t>(guest)).client_id; }

std::string TcpGuests::host(int guest) const { return places_.at(static_cast<std::size_t>(guest)).host; }

std::optional<std::string> TcpGuests::clock_domain(int guest) const {
  return places_.at(static_cast<std::size_t>(guest)).clock_domain;
}

std::string TcpGuests::failure(int guest) const { return failures_.at(static_cast<std::size_t>(guest)); }

}  // namespace berkeley::tcp
