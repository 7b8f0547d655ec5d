#include "transport/sim/correction_delivery.hpp"

#include <stdexcept>

namespace berkeley::sim {

std::vector<TrueInstant> deliver_corrections(SimNetwork& network, int sender,
                                             std::span<const CorrectionMessage> messages, TrueInstant start) {
  const Nanoseconds cost = network.params().message_cost_ns;
  std::vector<TrueInstant> applied;
  applied.reserve(messages.size());
  TrueInstant depart = start;
  for (const CorrectionMessage& message : messages) {
    if (!network.answers(message.recipient)) throw std::invalid_argument("deliver_corrections: a silent recipient");
    depart += cost;
    network.count_message(sender);
    const TrueInstant handled = depart + network.flight(sender, message.recipient) + cost;
    network.count_message(message.recipient);
    network.apply_correction(message.recipient, message.correction_ns);
    applied.push_back(handled);
  }
  return applied;
}

}  // namespace berkeley::sim
