#include "transport/tcp/tcp_group_channel.hpp"

#include <algorithm>

#include "core/duration_text.hpp"
#include "transport/tcp/clock_distance.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {

TcpGroupChannel::TcpGroupChannel(IoDriver& io, std::vector<Member> members, const Clock& clock, Nanoseconds timeout)
    : io_(io), members_(std::move(members)), clock_(clock), timeout_(timeout), failures_(members_.size() + 1) {}

void TcpGroupChannel::begin_round() { std::fill(failures_.begin(), failures_.end(), std::string()); }

void TcpGroupChannel::release(int /*member*/) {}

bool TcpGroupChannel::clear_before_poll(int index, std::int64_t next_seq) {
  Connection& c = *member(index).connection;
  std::deque<Inbound>& inbox = c.inbox();
  while (c.open() && !inbox.empty()) {
    const Inbound in = std::move(inbox.front());
    inbox.pop_front();
    const auto* time = std::get_if<TimeReply>(&in.message);
    if (time != nullptr && time->seq < next_seq) continue;  // a late answer to a poll that timed out
    c.fail(time != nullptr
               ? "TIME " + std::to_string(time->seq) + " before POLL " + std::to_string(time->seq) + " was sent"
               : std::string(command_name(in.message)) + " nobody asked for");
  }
  return c.open();
}

TcpGroupChannel::Wait TcpGroupChannel::take_time(int index, std::int64_t seq, ClockReading t_send,
                                                 OffsetSample& sample) {
  Connection& c = *member(index).connection;
  std::deque<Inbound>& inbox = c.inbox();
  while (!inbox.empty()) {
    const Inbound in = std::move(inbox.front());
    inbox.pop_front();
    const auto* time = std::get_if<TimeReply>(&in.message);
    if (time == nullptr) {
      c.fail(std::string(command_name(in.message)) + " when TIME " + std::to_string(seq) + " was expected");
      break;
    }
    if (time->seq < seq) continue;  // a late answer to a poll that already timed out: ignore it
    if (time->seq > seq) {
      c.fail("TIME " + std::to_string(time->seq) + " answers a POLL that was never sent (expected " +
             std::to_string(seq) + ")");
      break;
    }
    if (!within(time->clock_ns, t_send, kMaxClockOffset)) {
      c.fail("TIME " + std::to_string(seq) + ": clock_ns " + std::to_string(reading_ns(time->clock_ns)) +
             " is out of range (more than " + format_duration(kMaxClockOffset) + " from the master's clock)");
      break;
    }
    sample = OffsetSample{t_send, time->clock_ns, in.received_ns};
    return Wait::answered;
  }
  return c.open() ? Wait::pending : Wait::failed;
}

std::optional<OffsetSample> TcpGroupChannel::exchange(int index) {
  Connection& c = *member(index).connection;
  std::string& failure = failures_[static_cast<std::size_t>(index)];
  if (!c.open()) {
    failure = c.close_reason();
    return std::nullopt;
  }
  const std::int64_t seq = ++last_seq_;
  if (!clear_before_poll(index, seq)) {
    failure = c.close_reason();
    return std::nullopt;
  }
  const ClockReading t_send = clock_.now();
  c.send(format_line(Poll{seq}));
  OffsetSample sample{};
  Wait wait = Wait::pending;
  io_.run_until(deadline_after(timeout_), [&] {
    wait = take_time(index, seq, t_send, sample);
    return wait != Wait::pending;
  });
  if (wait == Wait::answered) return sample;
  failure = wait == Wait::failed ? c.close_reason() : "no answer within " + format_duration(timeout_);
  return std::nullopt;
}

}  // namespace berkeley::tcp
