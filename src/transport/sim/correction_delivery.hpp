#pragma once
// Delivery of the corrections over the simulated network (the scatter): the sender sends one message per
// recipient, one after another (its handling cost each); a recipient applies its correction to its clock
// once it has handled the message. The sender's own correction needs no message.
#include <span>
#include <vector>

#include "transport/sim/sim_network.hpp"

namespace berkeley::sim {

struct CorrectionMessage {
  int recipient = 0;
  Nanoseconds correction_ns{0};
};

// Sends from `sender` starting at `start`, in the order given; returns, per message, the true instant its
// recipient applied the correction. Recipients must answer (a silent one has no correction to get).
[[nodiscard]] std::vector<TrueInstant> deliver_corrections(SimNetwork& network, int sender,
                                                           std::span<const CorrectionMessage> messages,
                                                           TrueInstant start);

}  // namespace berkeley::sim
