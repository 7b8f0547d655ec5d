#pragma once
// How far from the median a member may be before it is left out of the average, round by round.
//
// In a group's first round every member gets the user's tolerance (τ): nothing is known yet. A member that
// was measured and corrected in the round before is *synchronized*: if it is honest, its offset now is what
// its two measurements could not see (each within its stated uncertainty) plus what its rate moved it since
// (kMaxRelativeRate of the time between). Its tolerance narrows to that:
//
//   τ_i = min(τ, min(S_i, 3·B) + B + 2·kMaxRelativeRate·Δt)
//
// with S_i = its uncertainty in the round before + its uncertainty now, B the S of the member ranked
// q = min(n − 1, ⌈(n+1)/2⌉ + 1) by S (n members measured in both rounds, the master's S is 0), and Δt the
// time spanned by the two rounds' measurements. More than half of the members are within B of 0, so the
// median is too, and an honest member is then within τ_i of it (the order statistic skips the largest S, so
// that one slow participant cannot widen B). A participant that lies can widen its own S only by answering
// slower, and only up to 3·B. So a liar that stays inside its tolerance moves the agreed time of a later
// round by at most (largest − smallest averaged offset) / k ≤ 2·max τ_i / k ≤ (8·B + 4·kMaxRelativeRate·Δt) / k
// (k clocks averaged) — about what an honest clock drifting at the largest rate allowed would, not the τ / n
// of the first round, round after round (docs/security.md, tests/sim/test_liar_rounds.cpp).
//
// Groups of fewer than 3 cannot outvote anyone: they keep τ. Pure: no MPI, no sockets, no I/O.
#include <vector>

#include "core/time.hpp"
#include "sync/measure.hpp"

namespace berkeley {

class SynchronizedTolerance {
 public:
  // Per member (same indexing as `estimates`, [0] the master) the tolerance for this round; members that
  // did not answer get τ (they are not averaged anyway). Valid until the next call.
  [[nodiscard]] const std::vector<Nanoseconds>& tolerances(const GroupEstimates& estimates, Nanoseconds tolerance_ns);
  // After the step whose corrections went out: the members that answered were corrected, and the next
  // round's tolerances narrow for them. The master's own correction moves the clock the measurement times
  // are read on; it is taken out of the time between rounds.
  void remember(const GroupEstimates& estimates, const GroupStep& step);
  // Forget every member (a new group, or a new run whose clocks read their raw offsets again): the next
  // round judges every clock with the whole tolerance.
  void reset() {
    members_.clear();
    remembered_ = false;
  }

  // What the last tolerances() used (for reports and tests): B, and Δt.
  [[nodiscard]] Nanoseconds majority_bound_ns() const { return majority_bound_ns_; }
  [[nodiscard]] Nanoseconds rounds_apart_ns() const { return rounds_apart_ns_; }

 private:
  struct Member {
    bool synchronized = false;
    Nanoseconds uncertainty_ns{0};
  };
  std::vector<Member> members_;
  ClockReading earliest_measurement_ns{};  // of the round remembered
  bool remembered_ = false;
  std::vector<Nanoseconds> tolerances_;
  std::vector<Nanoseconds> sums_;  // S of the members measured in both rounds (scratch)
  Nanoseconds majority_bound_ns_{0};
  Nanoseconds rounds_apart_ns_{0};
};

}  // namespace berkeley
