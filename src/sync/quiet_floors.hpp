#pragma once
// What the master has learned of each path's quiet round trip, kept from round to round (and sync to
// sync) by whoever measures with patience (measure_pingpong with a QuietFloors). Members that reach the
// master the same way (the same node) share a path and so a floor: a member whose best round trip is far
// above its path's floor was measured while the machine was busy, and is worth measuring again. Pure.
#include <optional>
#include <vector>

#include "core/time.hpp"

namespace berkeley {

class QuietFloors {
 public:
  // path_of[member]: the path member takes to the master (e.g. its node's index); members without an
  // entry each have their own path
  explicit QuietFloors(std::vector<int> path_of = {}) : path_of_(std::move(path_of)) {}

  // the smallest best round trip any member of this member's path has shown; nullopt: none measured yet
  [[nodiscard]] std::optional<Nanoseconds> floor_of(int member) const;
  void learn(int member, Nanoseconds round_trip_ns);
  // within `factor` × its path's floor + `slack` (nothing is quiet while the floor is unknown)
  [[nodiscard]] bool quiet(int member, Nanoseconds round_trip_ns, double factor, Nanoseconds slack) const;

 private:
  [[nodiscard]] int path(int member) const;
  std::vector<int> path_of_;
  std::vector<std::optional<Nanoseconds>> floors_;  // per path id (paths of their own: after the listed ones)
};

}  // namespace berkeley
