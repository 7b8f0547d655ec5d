#pragma once
// The two medians of the project, each written once. Pure.
//  - upper_median: the element at n/2 of the sorted values (for an even count the upper of the two
//    middle ones), what the reports and benchmarks call the median of their samples;
//  - midpoint_median: the midpoint of the two middle values for an even count, what the fault-tolerant
//    average centres its tolerance on (symmetric: a group of two is centred between its clocks).
#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <vector>

#include "core/time.hpp"

namespace berkeley {

// Reorders `values` (partially); requires at least one value.
template <class T>
[[nodiscard]] T upper_median(std::span<T> values) {
  if (values.empty()) throw std::invalid_argument("upper_median: no values");
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

template <class T>
[[nodiscard]] T upper_median(std::vector<T> values) {
  return upper_median(std::span<T>(values));
}

// Sorts `values` into `sorted` (reused between calls); requires at least one value.
[[nodiscard]] inline Nanoseconds midpoint_median(std::span<const Nanoseconds> values,
                                                 std::vector<Nanoseconds>& sorted) {
  if (values.empty()) throw std::invalid_argument("midpoint_median: no values");
  sorted.assign(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  const Nanoseconds upper = sorted[n / 2];
  if (n % 2 == 1) return upper;
  const Nanoseconds lower = sorted[n / 2 - 1];
  return lower + (upper - lower) / 2;  // no overflow for any pair of int64 offsets of one sign gap
}

}  // namespace berkeley
