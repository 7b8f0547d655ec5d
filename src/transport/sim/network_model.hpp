#pragma once
// The delay and clock model of the simulated network: its parameters, and what each participant draws from
// them (its access link, whether it is slow or silent, its clock). Pure: no state, no I/O.
//
// A message from participant a to participant b leaves a after a's handling cost, is in flight for
//   uplink(a) + downlink(b) + jitter        (jitter: uniform in [0, jitter], drawn per message)
// and is handled by b at the same cost. Each participant's access link is asymmetric by its own amount
// x (uniform in ±asymmetry): uplink = latency/2 + x/2, downlink = latency − uplink, so two participants with
// x = 0 are `latency` apart both ways. A slow participant's link adds slow_delay in each direction.
// A silent participant never handles or answers anything.
#include <cstdint>
#include <vector>

#include "clock/simulated_clock.hpp"
#include "core/time.hpp"

namespace berkeley::sim {

struct NetworkParams {
  std::uint64_t seed = 1;
  Nanoseconds latency_ns{5'000};       // one-way, between two symmetric participants
  Nanoseconds jitter_ns{2'000};        // each one-way message: + uniform [0, jitter]
  Nanoseconds asymmetry_ns{1'000};     // each access link: uplink − downlink uniform in ±this (at most latency)
  Nanoseconds message_cost_ns{1'000};  // the sender's and the receiver's time to handle one message
  double slow_fraction = 0.01;         // participants whose link adds slow_delay each way
  Nanoseconds slow_delay_ns{100'000};
  double silent_fraction = 0.001;            // participants that never answer (participant 0, the master, always does)
  Nanoseconds timeout_ns{1'000'000};         // a reply not arrived this long after its request left is given up
  Nanoseconds max_offset_ns{1'000'000'000};  // clock offsets uniform in ±this
  double drift_ppm = 10.0;                   // clock drifts uniform in ±this
};

struct ParticipantProfile {
  Nanoseconds uplink_ns{0};    // participant → network
  Nanoseconds downlink_ns{0};  // network → participant
  bool slow = false;
  bool silent = false;
  SimulatedClockParams clock;  // its clock = true time + offset + drift·true time
};

// Participant `id`'s profile. Depends only on (params, id), never on the number of participants, so the
// same seed gives participant 17 the same link and clock at p = 100 and at p = 100,000.
[[nodiscard]] ParticipantProfile draw_participant(const NetworkParams& params, std::uint64_t id);

// Participants 0 .. participants − 1, each as draw_participant: what SimNetwork(params, participants) holds.
// Drawn once, they can build several networks of identical links and clocks (the benchmark's methods).
[[nodiscard]] std::vector<ParticipantProfile> draw_participants(const NetworkParams& params, int participants);

// A symmetric, fast, answering link of the given one-way latency (tests build networks of known truth).
[[nodiscard]] ParticipantProfile symmetric_participant(Nanoseconds latency_ns, SimulatedClockParams clock);

}  // namespace berkeley::sim
