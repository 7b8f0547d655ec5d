#pragma once
// The collective round's several exchanges (issue 12): one exchange is an MPI_Gather of the members'
// readings and an MPI_Scatter back, whose two legs bound each member's offset (core/two_leg_estimate.hpp):
//   member_sent − master_read ≤ offset ≤ member_received − master_read
// The first exchange of a round is as wide as the ranks were out of step when they entered it; in later
// ones a member is sometimes the last into the gather (a short first leg: a tight lower bound) and
// sometimes the first out of the scatter (a short second leg: a tight upper bound). So a round makes
// several, every member intersects their intervals (each widened by what the clocks may move against each
// other within the round, kMaxRelativeRate), and the master stops once the group's widest interval stops
// narrowing. Pure: no MPI.
#include <optional>

#include "core/offset_estimate.hpp"

namespace berkeley {

struct CollectiveExchangePolicy {
  // never more measuring exchanges than this per round (1: the single fused gather → average → scatter)
  int max_exchanges = 8;
  // stop once an exchange narrowed the group's widest interval by less than this fraction of it
  double settle_fraction = 0.1;
};

// A member's offset interval (member − master) from the round's exchanges so far.
class ExchangeIntersection {
 public:
  // one exchange: the member read `sent` before the gather and `received` once the scatter delivered;
  // the master read `master_read` between the two
  void add(ClockReading sent, ClockReading master_read, ClockReading received);
  [[nodiscard]] bool has_value() const { return exchanges_ > 0; }
  [[nodiscard]] int exchanges() const { return exchanges_; }
  // The interval holding the offset at any instant of the round so far: the intersection of every
  // exchange's interval, each widened by kMaxRelativeRate of the round's span (rounded up). Should it be
  // empty (only if a clock broke that assumption) the narrowest exchange's own interval, which needs none.
  [[nodiscard]] Nanoseconds lower_ns() const;
  [[nodiscard]] Nanoseconds upper_ns() const;
  [[nodiscard]] Nanoseconds narrowest_round_trip_ns() const { return narrowest_upper_ - narrowest_lower_; }

 private:
  [[nodiscard]] Nanoseconds widening_ns() const;
  [[nodiscard]] bool empty() const;
  int exchanges_ = 0;
  ClockReading first_sent_{};
  ClockReading last_received_{};
  Nanoseconds lower_{0};
  Nanoseconds upper_{0};
  Nanoseconds narrowest_lower_{0};
  Nanoseconds narrowest_upper_{0};
};

// The estimate a member's interval gives: its midpoint, half its width (rounded up) as the uncertainty,
// referred to the master's time `master_reference` (a master reading within the round).
[[nodiscard]] OffsetEstimate interval_estimate(Nanoseconds lower_ns, Nanoseconds upper_ns, Nanoseconds round_trip_ns,
                                               ClockReading master_reference);

// The master's rule for when a round has measured enough.
class ExchangeSettling {
 public:
  explicit ExchangeSettling(CollectiveExchangePolicy policy) : policy_(policy) {}
  // After `measured` exchanges (≥ 1) the group's widest interval is `widest_ns`: true when the round
  // should stop measuring. Stops at max_exchanges, or from the third exchange on once the widest interval
  // narrowed by less than settle_fraction on the exchange before; with no member (widest 0) at once.
  [[nodiscard]] bool settled(int measured, Nanoseconds widest_ns);
  void reset() { previous_ns_.reset(); }

 private:
  CollectiveExchangePolicy policy_;
  std::optional<Nanoseconds> previous_ns_;
};

}  // namespace berkeley
