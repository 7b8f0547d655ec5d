#pragma once
// A GuestGroup in rank 0's process (sync/guest_group.hpp): k simulated clocks on the test's CLOCK_MONOTONIC,
// offsets drawn as for ranks 1000 + g, each exchange read against rank 0's corrected clock directly (send,
// the guest's clock, receive: a round trip of two clock reads, the truth exactly inside its interval), the
// delivered corrections applied to each guest's CorrectedClock. A guest may be made silent: it never
// answers, as a TCP client that went quiet; guests may drift (guest g at +drift_ppm when g is even, −drift_ppm
// when odd). What the sync did to the guests is then known exactly.
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "clock/corrected_clock.hpp"
#include "clock/shared_instant.hpp"
#include "clock/simulated_clock.hpp"
#include "core/interval_audit.hpp"
#include "core/offset_estimate.hpp"
#include "sync/guest_group.hpp"

namespace berkeley::test {

inline Nanoseconds offset_of_guest(int guest) {
  return draw_simulated_clock(11, static_cast<std::uint64_t>(1000 + guest), Nanoseconds{1'000'000'000}, 0).offset_ns;
}

inline double drift_of_guest(int guest, double drift_ppm) { return guest % 2 == 0 ? drift_ppm : -drift_ppm; }

class FakeGuests final : public GuestGroup {
 public:
  // master: rank 0's corrected clock (the one the sync corrects); reference: what the guests' clocks run on
  FakeGuests(const Clock& master, const Clock& reference, int count, std::vector<bool> silent = {},
             double drift_ppm = 0.0)
      : master_(master), silent_(std::move(silent)) {
    silent_.resize(static_cast<std::size_t>(count), false);
    locals_.reserve(static_cast<std::size_t>(count));
    clocks_.reserve(static_cast<std::size_t>(count));
    for (int g = 0; g < count; ++g) {
      locals_.emplace_back(reference, SimulatedClockParams{offset_of_guest(g), drift_of_guest(g, drift_ppm)},
                           reference.now());
    }
    for (const SimulatedClock& local : locals_) clocks_.emplace_back(local);
    reference_ = &reference;
    failures_.assign(static_cast<std::size_t>(count), std::string());
    deliveries.assign(static_cast<std::size_t>(count), 0);
    sent_ns.assign(static_cast<std::size_t>(count), Nanoseconds{0});
  }

  [[nodiscard]] int size() const override { return static_cast<int>(clocks_.size()); }

  const GroupEstimates& measure() override {
    ++measures;
    estimates_.assign(clocks_.size(), std::nullopt);
    for (std::size_t g = 0; g < clocks_.size(); ++g) {
      if (silent_[g]) {
        failures_[g] = "silent";
        continue;
      }
      PeerEstimate e;
      e.best = cristian_estimate(exchange(g));
      e.median_round_trip_ns = e.best.round_trip_ns;
      e.samples_used = 1;
      estimates_[g] = e;
    }
    return estimates_;
  }

  void deliver(const GroupStep& step, std::size_t first) override {
    for (std::size_t g = 0; g < clocks_.size(); ++g) {
      if (!step.answered.at(first + g)) continue;
      clocks_[g].apply(step.step.corrections_ns.at(first + g));
      sent_ns[g] += step.step.corrections_ns.at(first + g);
      ++deliveries[g];
    }
  }

  void correct_in_all(const std::vector<std::optional<Nanoseconds>>& total_ns) override {
    ++final_corrections;
    for (std::size_t g = 0; g < clocks_.size(); ++g) {
      if (!total_ns.at(g)) continue;
      clocks_[g].apply(*total_ns[g] - sent_ns[g]);
      sent_ns[g] = *total_ns[g];
    }
  }

  void wait(Nanoseconds pause_ns) override {
    ++waits;
    std::this_thread::sleep_for(pause_ns);
  }

  [[nodiscard]] std::vector<std::optional<AuditEstimate>> audit(int exchanges_per_guest) override {
    std::vector<std::optional<AuditEstimate>> all(clocks_.size());
    for (std::size_t g = 0; g < clocks_.size(); ++g) {
      if (silent_[g]) continue;
      std::vector<OffsetSample> samples;
      for (int i = 0; i < exchanges_per_guest; ++i) samples.push_back(exchange(g));
      all[g] = intersect_intervals(samples);
    }
    return all;
  }

  void ask_to_read_at(ClockReading instant_ns) override { instant_ = instant_ns; }

  [[nodiscard]] std::vector<std::optional<InstantObservation>> readings(const InstantObservation& /*master*/) override {
    std::vector<std::optional<InstantObservation>> all(clocks_.size());
    for (std::size_t g = 0; g < clocks_.size(); ++g) {
      if (silent_[g] || !instant_) continue;
      InstantObservation o;
      o.raw_ns = *locals_[g].exact_at(*reference_, *instant_);
      o.corrected_ns = *clocks_[g].exact_at(*reference_, *instant_);
      for (const Nanoseconds after : later_ns) {
        o.later_raw_ns.push_back(locals_[g].exact_at(*reference_, *instant_ + after));
        o.later_corrected_ns.push_back(clocks_[g].exact_at(*reference_, *instant_ + after));
      }
      all[g] = o;
    }
    return all;
  }

  void close(const std::string& reason) override { closed_with = reason; }

  [[nodiscard]] std::int64_t id(int guest) const override { return 1000 + guest; }
  [[nodiscard]] std::string host(int /*guest*/) const override { return "in-process"; }
  [[nodiscard]] std::optional<std::string> clock_domain(int /*guest*/) const override { return std::nullopt; }
  [[nodiscard]] std::string failure(int guest) const override { return failures_.at(static_cast<std::size_t>(guest)); }

  // what the sync asked of the guests
  int measures = 0;
  int waits = 0;
  std::vector<int> deliveries;       // per guest
  std::vector<Nanoseconds> sent_ns;  // per guest, every correction applied
  int final_corrections = 0;         // correct_in_all calls
  std::optional<std::string> closed_with;
  std::vector<Nanoseconds> later_ns;  // readings() also reads the guests this long after the instant

 private:
  OffsetSample exchange(std::size_t g) const {
    const ClockReading sent = master_.now();
    const ClockReading remote = clocks_[g].now();
    return OffsetSample{sent, remote, master_.now()};
  }

  const Clock& master_;
  const Clock* reference_ = nullptr;
  std::vector<bool> silent_;
  std::vector<SimulatedClock> locals_;  // reserved: the corrected clocks hold references into it
  std::vector<CorrectedClock> clocks_;
  std::vector<std::string> failures_;
  GroupEstimates estimates_;
  std::optional<ClockReading> instant_;
};

}  // namespace berkeley::test
