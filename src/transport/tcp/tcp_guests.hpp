#pragma once
// TCP clients as guests of an MPI sync group (sync/guest_group.hpp): rank 0 of berkeley_mpi --serve-tcp N
// listens, admits N clients speaking the unchanged BERKELEY/1 protocol (berkeley_client, or any client of
// docs/protocol.md), and then measures, corrects, audits and reads them at the shared instant inside the
// group's own rounds. Every wait is bounded by the timeout; a guest that is silent, slow or gone is left out
// of that round and the ranks go on.
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clock/clock.hpp"
#include "sync/guest_group.hpp"
#include "transport/tcp/io_driver.hpp"
#include "transport/tcp/lobby.hpp"
#include "transport/tcp/tcp_group_channel.hpp"

namespace berkeley::tcp {

struct GuestConfig {
  std::int64_t clients = 1;
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 17117;                             // 0: the system picks one (printed)
  Nanoseconds timeout_ns{std::chrono::seconds(1)};        // per operation: a poll, a HELLO, a READING
  Nanoseconds join_timeout_ns{std::chrono::seconds(60)};  // all clients must have joined by then
  PingPongPolicy pingpong;
  bool quiet = false;            // no "client joined" lines
  std::optional<SharedKey> key;  // set: the clients must join keyed (BERKELEY/2, docs/security.md)
};

class TcpGuests final : public GuestGroup {
 public:
  // master_clock: the master's corrected clock (receive stamps, the exchanges); reference: the clock that
  // names the shared instant (CLOCK_MONOTONIC). Both must outlive the guests.
  TcpGuests(GuestConfig config, const Clock& master_clock, const Clock& reference, std::ostream& out,
            std::ostream& log);
  ~TcpGuests() override;
  TcpGuests(const TcpGuests&) = delete;
  TcpGuests& operator=(const TcpGuests&) = delete;

  // Listens and waits (bounded by join_timeout) for every client. On failure, one line saying why (the
  // connections that came are told) and the guests are unusable.
  [[nodiscard]] std::optional<std::string> join();
  [[nodiscard]] std::string endpoint_text() const { return lobby_.endpoint_text(); }

  [[nodiscard]] int size() const override { return static_cast<int>(members_.size()); }
  [[nodiscard]] const GroupEstimates& measure() override;
  void deliver(const GroupStep& step, std::size_t first) override;
  void correct_in_all(const std::vector<std::optional<Nanoseconds>>& total_ns) override;
  void wait(Nanoseconds pause_ns) override;
  [[nodiscard]] std::vector<std::optional<AuditEstimate>> audit(int exchanges_per_guest) override;
  void ask_to_read_at(ClockReading instant_ns) override;
  [[nodiscard]] std::vector<std::optional<InstantObservation>> readings(const InstantObservation& master) override;
  void close(const std::string& reason) override;

  [[nodiscard]] std::int64_t id(int guest) const override;
  [[nodiscard]] std::string host(int guest) const override;
  [[nodiscard]] std::optional<std::string> clock_domain(int guest) const override;
  [[nodiscard]] std::string failure(int guest) const override;

 private:
  // runs the loop until every open connection's lines are written, or the deadline
  void flush_until(SteadyTime deadline);

  GuestConfig config_;
  const Clock& master_clock_;
  const Clock& reference_;
  std::ostream& out_;
  std::ostream& log_;
  IoDriver io_;
  Lobby lobby_;
  std::vector<Member> members_;            // by client id, once joined
  std::vector<MemberPlace> places_;        // per guest, once joined
  std::optional<std::string> own_domain_;  // the master's CLOCK_MONOTONIC
  std::unique_ptr<TcpGroupChannel> channel_;
  GroupEstimates estimates_;           // per guest, the last measure()
  GroupEstimates with_master_;         // the channel's (member 0: the master)
  std::vector<Nanoseconds> sent_ns_;   // per guest, the corrections sent so far
  std::vector<std::string> failures_;  // per guest
  std::vector<int> answered_;          // per guest: the rounds it answered in
  std::vector<bool> asked_;            // per guest: a PROBE went out
  ClockReading instant_{};
  int round_ = 0;
  bool closed_ = false;
};

}  // namespace berkeley::tcp
