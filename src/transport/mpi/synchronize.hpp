#pragma once
// The library entry point: Berkeley synchronization of every rank of a communicator.
//
//   berkeley::MonotonicClock local;                 // or any berkeley::Clock
//   berkeley::CorrectedClock clock(local);
//   berkeley::mpi::SyncOptions options;
//   options.method = berkeley::SyncMethod::pingpong;
//   const auto outcome = berkeley::mpi::synchronize(world, clock, options);
//   clock.now();                                     // synchronized int64 ns, on every rank
//
// Collective: every rank of `comm` calls it with the same options. Rank 0 is the master. Nothing
// touches the OS clock; all corrections live in `clock`. See examples/sync_example.cpp.
#include <boost/mpi/communicator.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "clock/corrected_clock.hpp"
#include "sync/drift_plan.hpp"
#include "sync/guest_group.hpp"
#include "sync/measure.hpp"
#include "sync/round_summary.hpp"
#include "sync/sync_method.hpp"
#include "transport/mpi/mpi_method.hpp"
#include "transport/mpi/waiting.hpp"

namespace berkeley::mpi {

struct SyncOptions {
  int rounds = 1;
  // pause between rounds. With rounds ≥ 3 and an interval, the offsets measured over time are fitted
  // per rank and every clock also follows the group's average rate (drift correction).
  Nanoseconds interval_ns{0};
  Nanoseconds tolerance_ns{std::chrono::seconds(1)};
  SyncMethod method = SyncMethod::collective;
  // pingpong/tree: the min-RTT filter, and patience under load: up to 100 ms per round spent measuring a
  // rank again, spread out in time, while its best round trip is not quiet (see sync/measure.hpp)
  PingPongPolicy pingpong{.max_exchanges = 32,
                          .min_exchanges = 8,
                          .settle_fraction = 0.05,
                          .patience = {.budget_ns = kDefaultPatienceBudget}};
  // collective: up to max_exchanges gather/scatter exchanges per round, each rank intersecting the
  // intervals they prove (1: one fused exchange, the fastest and the widest)
  CollectiveExchangePolicy collective;
  // how ranks wait for their turn (pingpong, tree): unset = polite where a node has more ranks than cores
  std::optional<Waiting> waiting;
  // tree: group ranks into virtual nodes of this many consecutive ranks (0: by real node), so that both
  // levels run even on one host
  int virtual_node_size = 0;
  // rank 0 fills SyncOutcome (per-round summaries, round 1's estimates, levels). false: a bare sync that
  // only corrects the clocks (for syncing often; the collective method then also skips the MPI_Gather
  // by which rank 0 learns the ranks' readings to finish the estimates). The drift fit needs the rounds
  // either way.
  bool report = true;
  // Rank 0 only (the others pass nullptr): members beyond the ranks that rank 0 measures and corrects in the
  // same rounds, one average over all (TCP clients: transport/tcp/tcp_guests.hpp); they are members
  // comm.size() ... of every per-member result. Not owned. Pingpong and tree only (Synchronizer throws
  // std::invalid_argument otherwise). With drift correction the guests are fitted like the ranks but sent
  // offsets only (the BERKELEY/1 protocol carries offsets, not rates): each keeps its own rate, and its
  // bound (bound_from_master) grows with its drift from the group's.
  GuestGroup* guests = nullptr;

  [[nodiscard]] bool corrects_drift() const { return rounds >= 3 && interval_ns > Nanoseconds{0}; }
};

struct SyncOutcome {
  // rank 0 only (empty elsewhere), and only with SyncOptions::report; per member: the ranks, then the guests:
  std::vector<RoundSummary> rounds;
  GroupEstimates first_estimates;    // per rank, round 1: the offsets before any correction
  std::vector<bool> excluded;        // per rank, round 1
  std::vector<int> rounds_answered;  // per member: the rounds its estimate reached rank 0 in
  std::vector<LevelSummary> levels;  // the last round: what each level measured
  // rank 0, when SyncOptions::corrects_drift(); per member (ranks, then guests)
  std::optional<DriftPlan> drift;
  // rank 0, with SyncOptions::report: per rank, how far its clock may be from rank 0's once the sync is
  // done, by the sync's own measurements (the last round's estimate bounds; rank 0's own: 0; nullopt for a
  // rank without an estimate), and rank 0's underlying clock when the last round began, from which on the
  // clocks' relative rate adds to them
  std::vector<std::optional<Nanoseconds>> offset_bounds_ns;
  ClockReading last_round_raw_ns{};

  // Rank 0, with SyncOptions::report: the sync's promise for rank r when rank 0's underlying clock shows
  // master_raw_ns (after the sync): the last round's bound, plus twice what the clocks' rate spread
  // (rate_spread_ppm: the largest rate difference of any two clocks where it is known, as for simulated
  // clocks; clocks that share the host's CLOCK_MONOTONIC have none) moves them since that round began (the
  // tree composes two measurements taken at different times); with drift correction, the fit's worst case
  // instead (DriftPlan::bound_from_master_ns). nullopt where nothing bounds it (no report, or a fit
  // without slope).
  [[nodiscard]] std::optional<Nanoseconds> bound_from_master(std::size_t rank, ClockReading master_raw_ns,
                                                             double rate_spread_ppm = 0.0) const;
};

// Called on rank 0 with each round's summary (for progress lines); may be empty, and is not called
// without SyncOptions::report. Pingpong and tree call it as each round ends; the collective once the
// ranks' estimates are in, after the last round.
using RoundObserver = std::function<void(const RoundSummary&)>;

// Set up once (collective: splits communicators for the tree, finds out how ranks should wait), then
// synchronize as often as needed without paying for the setup again.
class Synchronizer {
 public:
  Synchronizer(const boost::mpi::communicator& comm, SyncOptions options);
  ~Synchronizer();
  Synchronizer(const Synchronizer&) = delete;
  Synchronizer& operator=(const Synchronizer&) = delete;

  // Collective: one synchronization (all its rounds) of `clock`.
  SyncOutcome run(CorrectedClock& clock, const RoundObserver& on_round = {});

 private:
  boost::mpi::communicator comm_;  // held by value: a Synchronizer may outlive the communicator it was given
  int rank_;
  int size_;
  SyncOptions options_;
  std::unique_ptr<MpiMethod> method_;
  // rank 0's buffers, reused by every round of every run
  RoundWork work_;
  std::vector<RoundRecord> history_;
};

// One-shot convenience: Synchronizer(comm, options).run(clock, on_round).
SyncOutcome synchronize(const boost::mpi::communicator& comm, CorrectedClock& clock, const SyncOptions& options,
                        const RoundObserver& on_round = {});

}  // namespace berkeley::mpi
