#include "core/fault_tolerant_average.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/median.hpp"

namespace berkeley {
namespace {

Nanoseconds distance(Nanoseconds a, Nanoseconds b) { return a > b ? a - b : b - a; }

}  // namespace

BerkeleyStep berkeley_step(std::span<const Nanoseconds> offsets_ns, Nanoseconds tolerance_ns) {
  BerkeleyStep step;
  std::vector<Nanoseconds> scratch;
  berkeley_step(offsets_ns, tolerance_ns, step, scratch);
  return step;
}

void berkeley_step(std::span<const Nanoseconds> offsets_ns, Nanoseconds tolerance_ns, BerkeleyStep& step,
                   std::vector<Nanoseconds>& scratch) {
  if (offsets_ns.empty()) throw std::invalid_argument("berkeley_step: no clocks");
  if (tolerance_ns < Nanoseconds{0}) throw std::invalid_argument("berkeley_step: negative tolerance");

  step.median_offset_ns = midpoint_median(offsets_ns, scratch);
  step.clocks_averaged = 0;
  step.excluded.assign(offsets_ns.size(), false);

  // Sum of differences from the median, not of raw offsets: stays small, so no int64 overflow.
  std::int64_t sum_from_median = 0;
  for (std::size_t i = 0; i < offsets_ns.size(); ++i) {
    const bool outside = distance(offsets_ns[i], step.median_offset_ns) > tolerance_ns;
    step.excluded[i] = outside;
    if (!outside) {
      sum_from_median += (offsets_ns[i] - step.median_offset_ns).count();
      ++step.clocks_averaged;
    }
  }
  step.average_offset_ns = step.median_offset_ns;
  if (step.clocks_averaged > 0) {
    step.average_offset_ns += Nanoseconds{sum_from_median / static_cast<std::int64_t>(step.clocks_averaged)};
  }

  step.corrections_ns.clear();
  for (const Nanoseconds offset : offsets_ns) step.corrections_ns.push_back(step.average_offset_ns - offset);
}

}  // namespace berkeley
