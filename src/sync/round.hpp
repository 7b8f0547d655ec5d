#pragma once
// One Berkeley round, whatever carries the messages: the master measures every member's offset, takes the
// fault-tolerant step over all clocks (its own included), and every participant gets its correction.
// MPI (flat pingpong and tree), the TCP master and the simulation all run it; they differ only in how they
// measure and how the corrections travel (RoundTransport). MPI's collective method fuses measuring and
// delivering into one gather/scatter, but keeps its round the same way (record_round) and returns the
// same RoundRecord.
#include <chrono>
#include <span>

#include "sync/measure.hpp"
#include "sync/synchronized_tolerance.hpp"

namespace berkeley {

// What the master keeps of one round (for the report and the drift fit).
struct RoundRecord {
  GroupEstimates estimates;  // per member, [0] the master itself
  GroupStep step;            // its corrections are what each member was sent (and the master applied)
  Nanoseconds duration_ns{0};
  ClockReading master_raw_ns{};  // the master's underlying clock at the end of the round (drift fit only)
};

// What a transport does in a round. Where every participant runs the round (MPI ranks), the ones that are
// not the master measure and receive by answering, and pass and get back empty spans.
class RoundTransport {
 public:
  virtual ~RoundTransport() = default;
  // the master: one estimate per member ([0] itself: offset 0; nullopt: no answer); the others: empty.
  // Valid until the next measure().
  [[nodiscard]] virtual const GroupEstimates& measure() = 0;
  // the master passes one correction per member (a member that did not answer gets none sent); every
  // participant gets back its own correction, to apply to its clock
  [[nodiscard]] virtual Nanoseconds deliver(const GroupStep& step) = 0;
};

// Buffers the master reuses from round to round, so that once they have grown it allocates nothing between
// gathering the clocks and sending the corrections.
// They also remember each member from the round before: from the second round on, a member that was
// synchronized is held to the narrower tolerance of sync/synchronized_tolerance, so that a participant that
// lies cannot pull the group by τ / n again and again.
struct RoundWork {
  GroupStep step;
  StepWorkspace workspace;
  SynchronizedTolerance tolerance;
};

// measure → berkeley_step_over (each member's tolerance from work.tolerance: τ in the first round) → deliver. The
// master fills `record` (when given) once the corrections are out. Returns this participant's correction (the caller
// applies it to its clock).
[[nodiscard]] Nanoseconds run_round(RoundTransport& transport, Nanoseconds tolerance_ns, RoundWork& work,
                                    RoundRecord* record = nullptr);

// What run_round keeps, for a round whose steps a transport fused (the MPI collective).
void record_round(const GroupEstimates& estimates, const GroupStep& step, std::chrono::steady_clock::time_point started,
                  RoundRecord& record);

}  // namespace berkeley
