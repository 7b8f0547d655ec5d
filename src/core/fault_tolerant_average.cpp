#include "core/fault_tolerant_average.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/median.hpp"

namespace berkeley {
namespace {

Nanoseconds distance(Nanoseconds a, Nanoseconds b) { return a > b ? a - b : b - a; }

template <typename ToleranceOf>
void step_with(std::span<const Nanoseconds> offsets_ns, ToleranceOf tolerance_of, BerkeleyStep& step,
               std::vector<Nanoseconds>& scratch) {
  if (offsets_ns.empty()) throw std::invalid_argument("berkeley_step: no clocks");

  step.median_offset_ns = midpoint_median(offsets_ns, scratch);
  step.clocks_averaged = 0;
  step.excluded.assign(offsets_ns.size(), false);

  // Sum of differences from the median, not of raw offsets: stays small, so no int64 overflow.
  std::int64_t sum_from_median = 0;
  Nanoseconds lowest_kept = Nanoseconds::max();
  Nanoseconds highest_kept = Nanoseconds::min();
  for (std::size_t i = 0; i < offsets_ns.size(); ++i) {
    const bool outside = distance(offsets_ns[i], step.median_offset_ns) > tolerance_of(i);
    step.excluded[i] = outside;
    if (!outside) {
      sum_from_median += (offsets_ns[i] - step.median_offset_ns).count();
      ++step.clocks_averaged;
      lowest_kept = std::min(lowest_kept, offsets_ns[i]);
      highest_kept = std::max(highest_kept, offsets_ns[i]);
    }
  }
  step.average_offset_ns = step.median_offset_ns;
  step.one_clock_influence_ns = Nanoseconds{0};
  if (step.clocks_averaged > 0) {
    const auto averaged = static_cast<std::int64_t>(step.clocks_averaged);
    step.average_offset_ns += Nanoseconds{sum_from_median / averaged};
    if (step.clocks_averaged > 1) {
      // rounded up: a bound
      step.one_clock_influence_ns = Nanoseconds{((highest_kept - lowest_kept).count() + averaged - 1) / averaged};
    }
  }

  step.corrections_ns.clear();
  for (const Nanoseconds offset : offsets_ns) step.corrections_ns.push_back(step.average_offset_ns - offset);
}

}  // namespace

BerkeleyStep berkeley_step(std::span<const Nanoseconds> offsets_ns, Nanoseconds tolerance_ns) {
  BerkeleyStep step;
  std::vector<Nanoseconds> scratch;
  berkeley_step(offsets_ns, tolerance_ns, step, scratch);
  return step;
}

void berkeley_step(std::span<const Nanoseconds> offsets_ns, Nanoseconds tolerance_ns, BerkeleyStep& step,
                   std::vector<Nanoseconds>& scratch) {
  if (tolerance_ns < Nanoseconds{0}) throw std::invalid_argument("berkeley_step: negative tolerance");
  step_with(
      offsets_ns, [tolerance_ns](std::size_t) { return tolerance_ns; }, step, scratch);
}

void berkeley_step(std::span<const Nanoseconds> offsets_ns, std::span<const Nanoseconds> tolerances_ns,
                   BerkeleyStep& step, std::vector<Nanoseconds>& scratch) {
  if (tolerances_ns.size() != offsets_ns.size()) {
    throw std::invalid_argument("berkeley_step: one tolerance per clock is needed");
  }
  if (std::any_of(tolerances_ns.begin(), tolerances_ns.end(), [](Nanoseconds t) { return t < Nanoseconds{0}; })) {
    throw std::invalid_argument("berkeley_step: negative tolerance");
  }
  step_with(
      offsets_ns, [tolerances_ns](std::size_t i) { return tolerances_ns[i]; }, step, scratch);
}

}  // namespace berkeley
