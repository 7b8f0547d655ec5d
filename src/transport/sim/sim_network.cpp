#include "transport/sim/sim_network.hpp"

#include <algorithm>
#include <stdexcept>

#include "transport/sim/sim_random.hpp"

namespace berkeley::sim {

SimNetwork::SimNetwork(const NetworkParams& params, int participants)
    : SimNetwork(params, draw_participants(params, participants)) {}

SimNetwork::SimNetwork(const NetworkParams& params, std::vector<ParticipantProfile> profiles)
    : params_(params), profiles_(std::move(profiles)), messages_(profiles_.size(), 0) {
  if (profiles_.empty()) throw std::invalid_argument("SimNetwork: at least one participant is needed");
  build_clocks();
}

void SimNetwork::build_clocks() {
  // reserved up front: clocks_ holds references into raw_clocks_, which must never reallocate
  raw_clocks_.reserve(profiles_.size());
  clocks_.reserve(profiles_.size());
  for (const ParticipantProfile& p : profiles_) raw_clocks_.emplace_back(true_time_, p.clock, ClockReading{});
  for (const SimulatedClock& raw : raw_clocks_) clocks_.emplace_back(raw);
}

Nanoseconds SimNetwork::flight(int from, int to) {
  const Nanoseconds jitter = random_duration(params_.seed, RandomStream::jitter, messages_sent_++, params_.jitter_ns);
  return profile(from).uplink_ns + profile(to).downlink_ns + jitter;
}

BusiestParticipant SimNetwork::busiest() const {
  const auto top = std::max_element(messages_.begin(), messages_.end());  // the first of equals: lowest id
  return BusiestParticipant{static_cast<int>(top - messages_.begin()), *top};
}

ClockReading SimNetwork::TrueTime::now() const {
  throw std::logic_error("SimNetwork: simulated clocks are read at a true instant (read_clock), not now()");
}

ClockReading SimNetwork::read_clock(int id, TrueInstant at) const {
  return *clocks_.at(static_cast<std::size_t>(id)).exact_at(true_time_, perfect_reading(at));
}

ClockReading SimNetwork::raw_clock(int id, TrueInstant at) const {
  return raw_clocks_.at(static_cast<std::size_t>(id)).at_reference(perfect_reading(at));
}

void SimNetwork::apply_correction(int id, Nanoseconds correction_ns) {
  clocks_.at(static_cast<std::size_t>(id)).apply(correction_ns);
}

}  // namespace berkeley::sim
