#include "transport/sim/sim_group_channel.hpp"

#include <algorithm>
#include <stdexcept>

namespace berkeley::sim {

SimGroupChannel::SimGroupChannel(SimNetwork& network, std::vector<int> participants, TrueInstant start)
    : network_(network), participants_(std::move(participants)), now_(start) {
  if (participants_.empty()) throw std::invalid_argument("SimGroupChannel: a group needs its master");
  for (const int id : participants_) {
    if (id < 0 || id >= network_.participants()) throw std::invalid_argument("SimGroupChannel: no such participant");
  }
}

SimGroupChannel::Answer SimGroupChannel::answer(int id, TrueInstant depart) {
  const Nanoseconds cost = network_.params().message_cost_ns;
  const int master = participants_[0];
  const TrueInstant read_at = depart + network_.flight(master, id) + cost;  // the member handled the request
  network_.count_message(id);
  const ClockReading reading = network_.read_clock(id, read_at);
  network_.count_message(id);  // the reply
  return Answer{reading, read_at + cost + network_.flight(id, master)};
}

std::optional<OffsetSample> SimGroupChannel::exchange(int member) {
  if (member < 1) throw std::invalid_argument("SimGroupChannel: exchange with a member (1 <= member < size)");
  const int id = participant(member);
  const Nanoseconds cost = network_.params().message_cost_ns;
  const int master = participants_[0];
  const ClockReading t_send = network_.read_clock(master, now_);
  const TrueInstant depart = now_ + cost;
  network_.count_message(master);
  const TrueInstant deadline = depart + network_.params().timeout_ns;
  if (!network_.answers(id)) {
    now_ = deadline;
    return std::nullopt;
  }
  const Answer got = answer(id, depart);
  if (got.reply_arrives > deadline) {  // too late: given up, never handled
    now_ = deadline;
    return std::nullopt;
  }
  now_ = got.reply_arrives + cost;
  network_.count_message(master);
  return OffsetSample{t_send, got.reading, network_.read_clock(master, now_)};
}

void SimGroupChannel::release(int member) {
  const int id = participant(member);
  now_ += network_.params().message_cost_ns;
  network_.count_message(participants_[0]);
  if (network_.answers(id)) network_.count_message(id);
}

void SimGroupChannel::request_all(CollectiveReadings& got) {
  const Nanoseconds cost = network_.params().message_cost_ns;
  const int master = participants_[0];
  const std::size_t members = participants_.size();
  got.t_send_ns = network_.read_clock(master, now_);
  got.readings_ns.assign(members, std::nullopt);
  got.readings_ns[0] = got.t_send_ns;  // the master's own reading, as a gather includes it

  struct Arrival {
    TrueInstant at;
    std::size_t member;
  };
  std::vector<Arrival> arrivals;
  arrivals.reserve(members);
  TrueInstant depart = now_;
  TrueInstant gave_up = now_;  // the last deadline of a reply that never came
  for (std::size_t m = 1; m < members; ++m) {
    depart += cost;
    network_.count_message(master);
    const TrueInstant deadline = depart + network_.params().timeout_ns;
    const int id = participants_[m];
    if (!network_.answers(id)) {
      gave_up = std::max(gave_up, deadline);
      continue;
    }
    const Answer a = answer(id, depart);
    if (a.reply_arrives > deadline) {
      gave_up = std::max(gave_up, deadline);
      continue;
    }
    got.readings_ns[m] = a.reading;
    arrivals.push_back(Arrival{a.reply_arrives, m});
  }
  // the fan-in: one reply at a time, in order of arrival, once all requests are out
  std::stable_sort(arrivals.begin(), arrivals.end(), [](const Arrival& a, const Arrival& b) { return a.at < b.at; });
  TrueInstant master_free = depart;
  for (const Arrival& a : arrivals) {
    master_free = std::max(master_free, a.at) + cost;
    network_.count_message(master);
  }
  now_ = std::max(master_free, gave_up);
  got.t_recv_ns = network_.read_clock(master, now_);
}

}  // namespace berkeley::sim
