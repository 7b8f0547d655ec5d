#pragma once
// The simulated network's state: every participant's profile, its clock (a SimulatedClock of true time,
// wrapped in the CorrectedClock the corrections are applied to), and how many messages it has handled.
// The schedules (who sends what when) live in the channel and the correction delivery; this class only
// answers "how long does this message fly" and "what does this clock show at that true instant".
// Memory is O(participants): 128 bytes each here (profile 40, two clocks 40 each, message count 8); a whole
// benchmark run, with the round's estimates and corrections, peaks at about 330 (docs/simulation.md).
#include <chrono>
#include <cstdint>
#include <vector>

#include "clock/corrected_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "transport/sim/network_model.hpp"

namespace berkeley::sim {

// True (simulated) time: an instant on the simulation's own time line, counted from its start. Instants
// subtract to a duration and move by one; an instant and a clock reading are different types, so the truth
// and what a clock shows cannot be mixed up (reading + instant, or instant + instant, does not compile).
struct TrueTimeline {};
using TrueInstant = std::chrono::time_point<TrueTimeline, Nanoseconds>;
inline constexpr TrueInstant kSimulationStart{};
// What a perfect clock started with the simulation shows at `at` (true time is every simulated clock's
// reference): the one place where the truth becomes a reading.
[[nodiscard]] constexpr ClockReading perfect_reading(TrueInstant at) { return ClockReading{at.time_since_epoch()}; }

struct BusiestParticipant {
  int participant = 0;
  std::int64_t messages = 0;

  friend bool operator==(const BusiestParticipant&, const BusiestParticipant&) = default;
};

class SimNetwork {
 public:
  // `participants` participants drawn from params (participant 0 is the master / root)
  SimNetwork(const NetworkParams& params, int participants);
  // explicitly given participants (params still give jitter, message cost and timeout)
  SimNetwork(const NetworkParams& params, std::vector<ParticipantProfile> profiles);
  // the clocks refer to members of this object: neither copied nor moved
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;

  [[nodiscard]] int participants() const { return static_cast<int>(profiles_.size()); }
  [[nodiscard]] const NetworkParams& params() const { return params_; }
  [[nodiscard]] const ParticipantProfile& profile(int id) const { return profiles_.at(static_cast<std::size_t>(id)); }
  [[nodiscard]] bool answers(int id) const { return !profile(id).silent; }

  // one message from → to: its time in flight (links + this message's jitter)
  [[nodiscard]] Nanoseconds flight(int from, int to);
  // participant `id` handled one more message (sent or received)
  void count_message(int id) { ++messages_.at(static_cast<std::size_t>(id)); }
  [[nodiscard]] std::int64_t messages_handled(int id) const { return messages_.at(static_cast<std::size_t>(id)); }
  [[nodiscard]] BusiestParticipant busiest() const;

  // what participant id's clock shows at that true instant: with its corrections (read_clock) or without
  [[nodiscard]] ClockReading read_clock(int id, TrueInstant at) const;
  [[nodiscard]] ClockReading raw_clock(int id, TrueInstant at) const;
  void apply_correction(int id, Nanoseconds correction_ns);

 private:
  // The reference of every simulated clock: true time. There is no single "now" in the simulation (groups
  // that run concurrently each keep their own time), so clocks are only read at a given instant, through
  // exact_at; now() is a logic error and says so.
  class TrueTime final : public Clock {
   public:
    [[nodiscard]] ClockReading now() const override;
  };

  void build_clocks();

  NetworkParams params_;
  std::vector<ParticipantProfile> profiles_;
  TrueTime true_time_;
  std::vector<SimulatedClock> raw_clocks_;
  std::vector<CorrectedClock> clocks_;  // wraps raw_clocks_[i]
  std::vector<std::int64_t> messages_;
  std::uint64_t messages_sent_ = 0;  // index of the next message's jitter draw
};

}  // namespace berkeley::sim
