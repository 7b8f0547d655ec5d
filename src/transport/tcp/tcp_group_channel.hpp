#pragma once
// GroupChannel over the clients that joined a Lobby: member 0 is the master, member m ≥ 1 is members[m-1].
// exchange() is one POLL/TIME with a per-operation timeout: a client that does not answer in time, that
// went away, or that answers out of range gives nullopt (it is left out of this round, the round goes on).
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "clock/clock.hpp"
#include "sync/group_channel.hpp"
#include "transport/tcp/io_driver.hpp"
#include "transport/tcp/lobby.hpp"

namespace berkeley::tcp {

class TcpGroupChannel final : public GroupChannel {
 public:
  // `clock` is the master's (corrected) clock, the same one the connections stamp receive times with.
  TcpGroupChannel(IoDriver& io, std::vector<Member> members, const Clock& clock, Nanoseconds timeout);

  [[nodiscard]] int size() const override { return static_cast<int>(members_.size()) + 1; }
  [[nodiscard]] std::optional<OffsetSample> exchange(int member) override;
  // nothing to do: a TCP client answers any POLL at any time
  void release(int member) override;

  [[nodiscard]] const Member& member(int index) const { return members_[static_cast<std::size_t>(index - 1)]; }
  // why the member's last exchange gave nothing ("no answer within 200 ms", "disconnected"); empty if it answered
  [[nodiscard]] const std::string& last_failure(int index) const { return failures_[static_cast<std::size_t>(index)]; }
  // starts a round: forgets the failures of the previous one
  void begin_round();

 private:
  enum class Wait { pending, answered, failed };
  // before POLL next_seq goes out: drops stale answers; anything else waiting is a fault (false: dropped)
  bool clear_before_poll(int member, std::int64_t next_seq);
  // looks at what `member` sent so far for the answer to POLL `seq`; drops stale answers to older polls
  Wait take_time(int member, std::int64_t seq, ClockReading t_send, OffsetSample& sample);

  IoDriver& io_;
  std::vector<Member> members_;
  const Clock& clock_;
  Nanoseconds timeout_;
  std::int64_t last_seq_ = 0;
  std::vector<std::string> failures_;
};

}  // namespace berkeley::tcp
