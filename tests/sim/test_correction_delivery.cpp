// The scatter of the corrections over the simulated network (transport/sim/correction_delivery): the sender's
// messages leave one handling cost apart, in the order given; each recipient applies its correction, sign
// and all, once it has handled its message; the messages are counted on both sides; a silent recipient is
// refused.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "transport/sim/correction_delivery.hpp"

namespace berkeley::sim {
namespace {

constexpr Nanoseconds kCost{1'000};

NetworkParams params_with_jitter(Nanoseconds jitter_ns) {
  NetworkParams p;
  p.jitter_ns = jitter_ns;
  p.message_cost_ns = kCost;
  return p;
}

ParticipantProfile link(std::int64_t uplink_ns, std::int64_t downlink_ns, std::int64_t offset_ns = 0) {
  ParticipantProfile p;
  p.uplink_ns = Nanoseconds{uplink_ns};
  p.downlink_ns = Nanoseconds{downlink_ns};
  p.clock = SimulatedClockParams{Nanoseconds{offset_ns}, 0.0};
  return p;
}

// sender 0 (up 3 µs, down 2 µs) and three recipients of different links; participant 4 gets nothing
std::vector<ParticipantProfile> five_links() {
  return {link(3'000, 2'000), link(1'000, 4'000, 700), link(2'500, 2'500, -400), link(0, 500, 90'000),
          link(2'500, 2'500, 5)};
}

constexpr TrueInstant kStart = kSimulationStart + Nanoseconds{10'000};

TEST(DeliverCorrections, EachMessageLeavesOneCostAfterThePreviousAndIsAppliedAfterItsFlightAndHandling) {
  SimNetwork network(params_with_jitter(Nanoseconds{0}), five_links());
  const std::vector<CorrectionMessage> messages{{2, Nanoseconds{10}}, {1, Nanoseconds{20}}, {3, Nanoseconds{30}}};
  const std::vector<TrueInstant> applied = deliver_corrections(network, 0, messages, kStart);
  ASSERT_EQ(applied.size(), 3U);
  // k-th message: start + k·c (sent) + uplink(0) + downlink(r) (in flight) + c (handled)
  EXPECT_EQ(applied[0], kStart + Nanoseconds{1'000 + 3'000 + 2'500 + 1'000});
  EXPECT_EQ(applied[1], kStart + Nanoseconds{2'000 + 3'000 + 4'000 + 1'000});
  EXPECT_EQ(applied[2], kStart + Nanoseconds{3'000 + 3'000 + 500 + 1'000});
}

TEST(DeliverCorrections, TheSameMessagesInAnotherOrderArriveAtOtherInstants) {
  SimNetwork network(params_with_jitter(Nanoseconds{0}), five_links());
  const std::vector<CorrectionMessage> messages{{3, Nanoseconds{30}}, {2, Nanoseconds{10}}, {1, Nanoseconds{20}}};
  const std::vector<TrueInstant> applied = deliver_corrections(network, 0, messages, kStart);
  ASSERT_EQ(applied.size(), 3U);
  EXPECT_EQ(applied[0], kStart + Nanoseconds{1'000 + 3'000 + 500 + 1'000});
  EXPECT_EQ(applied[1], kStart + Nanoseconds{2'000 + 3'000 + 2'500 + 1'000});
  EXPECT_EQ(applied[2], kStart + Nanoseconds{3'000 + 3'000 + 4'000 + 1'000});
}

TEST(DeliverCorrections, AppliesEachCorrectionWithItsSignToItsRecipientOnly) {
  SimNetwork network(params_with_jitter(Nanoseconds{0}), five_links());
  const TrueInstant later = kSimulationStart + Nanoseconds{1'000'000};
  std::vector<ClockReading> before;
  for (int id = 0; id < 5; ++id) before.push_back(network.read_clock(id, later));
  const std::vector<CorrectionMessage> messages{
      {1, Nanoseconds{-700}}, {2, Nanoseconds{400}}, {3, Nanoseconds{-90'000}}};
  (void)deliver_corrections(network, 0, messages, kStart);
  EXPECT_EQ(network.read_clock(1, later), before[1] - Nanoseconds{700});  // a clock ahead is set back, not forward
  EXPECT_EQ(network.read_clock(2, later), before[2] + Nanoseconds{400});
  EXPECT_EQ(network.read_clock(3, later), before[3] - Nanoseconds{90'000});
  EXPECT_EQ(network.read_clock(0, later), before[0]) << "the sender's own correction needs no message";
  EXPECT_EQ(network.read_clock(4, later), before[4]) << "no message, no correction";
  for (int id = 1; id <= 3; ++id) {
    EXPECT_EQ(network.read_clock(id, later), perfect_reading(later)) << id;  // these corrections cancel the offsets
    EXPECT_EQ(network.raw_clock(id, later), before[static_cast<std::size_t>(id)]) << "the raw clock is untouched";
  }
}

TEST(DeliverCorrections, CountsOneMessagePerRecipientAtTheSenderAndOneAtEachRecipient) {
  SimNetwork network(params_with_jitter(Nanoseconds{0}), five_links());
  const std::vector<CorrectionMessage> messages{{1, Nanoseconds{1}}, {2, Nanoseconds{2}}, {3, Nanoseconds{3}}};
  (void)deliver_corrections(network, 0, messages, kStart);
  EXPECT_EQ(network.messages_handled(0), 3);
  for (int id = 1; id <= 3; ++id) EXPECT_EQ(network.messages_handled(id), 1) << id;
  EXPECT_EQ(network.messages_handled(4), 0);
  // another sender (a tree's leader forwarding): its own count, the same rule
  (void)deliver_corrections(network, 2, std::vector<CorrectionMessage>{{4, Nanoseconds{4}}}, kStart);
  EXPECT_EQ(network.messages_handled(2), 2);
  EXPECT_EQ(network.messages_handled(4), 1);
}

TEST(DeliverCorrections, ARecipientListedTwiceGetsBothCorrections) {
  SimNetwork network(params_with_jitter(Nanoseconds{0}), five_links());
  const TrueInstant later = kSimulationStart + Nanoseconds{1'000'000};
  const ClockReading before = network.read_clock(1, later);
  const std::vector<CorrectionMessage> messages{{1, Nanoseconds{-500}}, {1, Nanoseconds{-200}}};
  const std::vector<TrueInstant> applied = deliver_corrections(network, 0, messages, kStart);
  ASSERT_EQ(applied.size(), 2U);
  EXPECT_EQ(applied[1] - applied[0], kCost);
  EXPECT_EQ(network.read_clock(1, later), before - Nanoseconds{700});
}

TEST(DeliverCorrections, NoMessagesSendNothingAndTakeNoTime) {
  SimNetwork network(params_with_jitter(Nanoseconds{0}), five_links());
  EXPECT_TRUE(deliver_corrections(network, 0, std::vector<CorrectionMessage>{}, kStart).empty());
  for (int id = 0; id < 5; ++id) EXPECT_EQ(network.messages_handled(id), 0) << id;
}

TEST(DeliverCorrections, RefusesASilentRecipient) {
  std::vector<ParticipantProfile> profiles = five_links();
  profiles[3].silent = true;
  SimNetwork network(params_with_jitter(Nanoseconds{0}), profiles);
  const std::vector<CorrectionMessage> messages{{3, Nanoseconds{5}}};
  EXPECT_THROW((void)deliver_corrections(network, 0, messages, kStart), std::invalid_argument);
  EXPECT_EQ(network.messages_handled(3), 0);
}

TEST(DeliverCorrections, JitterDelaysEachApplicationByAtMostItsBound) {
  const Nanoseconds jitter{2'000};
  std::vector<ParticipantProfile> profiles(51, link(2'500, 2'500));
  SimNetwork network(params_with_jitter(jitter), profiles);
  std::vector<CorrectionMessage> messages;
  for (int id = 1; id <= 50; ++id) messages.push_back(CorrectionMessage{id, Nanoseconds{id}});
  const std::vector<TrueInstant> applied = deliver_corrections(network, 0, messages, kSimulationStart);
  ASSERT_EQ(applied.size(), 50U);
  Nanoseconds least = jitter;
  Nanoseconds most{0};
  for (std::size_t k = 0; k < applied.size(); ++k) {
    const TrueInstant nominal =
        kSimulationStart + static_cast<std::int64_t>(k + 1) * kCost + Nanoseconds{5'000} + kCost;
    const Nanoseconds late = applied[k] - nominal;
    EXPECT_GE(late, Nanoseconds{0}) << k;
    EXPECT_LE(late, jitter) << k;
    least = std::min(least, late);
    most = std::max(most, late);
  }
  EXPECT_LT(least, most) << "each message draws its own jitter";
}

}  // namespace
}  // namespace berkeley::sim
