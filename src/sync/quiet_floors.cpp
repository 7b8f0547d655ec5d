#include "sync/quiet_floors.hpp"

#include <algorithm>

namespace berkeley {

int QuietFloors::path(int member) const {
  if (member >= 0 && static_cast<std::size_t>(member) < path_of_.size())
    return path_of_[static_cast<std::size_t>(member)];
  // a member without an entry: a path of its own, numbered after every listed one
  const int listed = path_of_.empty() ? 0 : *std::max_element(path_of_.begin(), path_of_.end()) + 1;
  return listed + member;
}

std::optional<Nanoseconds> QuietFloors::floor_of(int member) const {
  const auto p = static_cast<std::size_t>(path(member));
  return p < floors_.size() ? floors_[p] : std::nullopt;
}

void QuietFloors::learn(int member, Nanoseconds round_trip_ns) {
  const auto p = static_cast<std::size_t>(path(member));
  if (floors_.size() <= p) floors_.resize(p + 1);
  floors_[p] = floors_[p] ? std::min(*floors_[p], round_trip_ns) : round_trip_ns;
}

bool QuietFloors::quiet(int member, Nanoseconds round_trip_ns, double factor, Nanoseconds slack) const {
  const std::optional<Nanoseconds> floor = floor_of(member);
  return floor && static_cast<double>(round_trip_ns.count()) <=
                      factor * static_cast<double>(floor->count()) + static_cast<double>(slack.count());
}

}  // namespace berkeley
