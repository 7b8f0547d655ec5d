// QuietFloors (sync/quiet_floors): the smallest round trip each path has shown, shared by the members of a
// path, kept as a minimum, and the "quiet" test against it (inclusive, nothing quiet before a floor).
#include <gtest/gtest.h>

#include "sync/quiet_floors.hpp"

namespace berkeley {
namespace {

TEST(QuietFloors, MembersOfOnePathShareAFloorAndOthersHaveTheirOwn) {
  QuietFloors floors({0, 0, 0, 1});  // members 0-2 on node 0, member 3 on node 1; member 4 unlisted
  EXPECT_FALSE(floors.floor_of(1).has_value());
  EXPECT_FALSE(floors.quiet(1, Nanoseconds{1}, 2.0, Nanoseconds{0}));  // nothing is quiet before a floor
  floors.learn(1, Nanoseconds{3'000});
  floors.learn(2, Nanoseconds{1'000});
  EXPECT_EQ(floors.floor_of(1), Nanoseconds{1'000});  // the smallest of its path
  EXPECT_FALSE(floors.floor_of(3).has_value());
  EXPECT_FALSE(floors.floor_of(4).has_value());
  floors.learn(4, Nanoseconds{9'000});
  EXPECT_EQ(floors.floor_of(4), Nanoseconds{9'000});
  EXPECT_FALSE(floors.floor_of(3).has_value());
  EXPECT_TRUE(floors.quiet(2, Nanoseconds{3'000}, 2.0, Nanoseconds{1'000}));  // 2 x 1 us + 1 us
  EXPECT_FALSE(floors.quiet(2, Nanoseconds{3'001}, 2.0, Nanoseconds{1'000}));
}

TEST(QuietFloors, AFloorOnlyEverComesDown) {
  QuietFloors floors;
  floors.learn(0, Nanoseconds{5'000});
  floors.learn(0, Nanoseconds{8'000});  // a busier round trip later does not raise it
  EXPECT_EQ(floors.floor_of(0), Nanoseconds{5'000});
  floors.learn(0, Nanoseconds{4'999});
  EXPECT_EQ(floors.floor_of(0), Nanoseconds{4'999});
}

TEST(QuietFloors, WithoutAListEveryMemberIsItsOwnPath) {
  QuietFloors floors;
  floors.learn(3, Nanoseconds{2'000});
  EXPECT_EQ(floors.floor_of(3), Nanoseconds{2'000});
  for (const int other : {0, 1, 2, 4, 100}) EXPECT_FALSE(floors.floor_of(other).has_value()) << other;
  floors.learn(0, Nanoseconds{7'000});
  EXPECT_EQ(floors.floor_of(0), Nanoseconds{7'000});
  EXPECT_EQ(floors.floor_of(3), Nanoseconds{2'000});
}

TEST(QuietFloors, UnlistedMembersNeverShareAListedPathOrEachOthers) {
  // listed paths 0 and 5 (ids need not be consecutive); unlisted members 2 and 3 come after them
  QuietFloors floors({5, 0});
  floors.learn(0, Nanoseconds{1'000});
  floors.learn(1, Nanoseconds{2'000});
  EXPECT_FALSE(floors.floor_of(2).has_value());
  EXPECT_FALSE(floors.floor_of(3).has_value());
  floors.learn(2, Nanoseconds{300});
  floors.learn(3, Nanoseconds{400});
  EXPECT_EQ(floors.floor_of(0), Nanoseconds{1'000});
  EXPECT_EQ(floors.floor_of(1), Nanoseconds{2'000});
  EXPECT_EQ(floors.floor_of(2), Nanoseconds{300});
  EXPECT_EQ(floors.floor_of(3), Nanoseconds{400});
}

TEST(QuietFloors, QuietIsWithinFactorTimesTheFloorPlusTheSlackInclusive) {
  QuietFloors floors({0, 0});
  floors.learn(0, Nanoseconds{1'000});
  // the member that taught the floor and the one that shares its path are judged alike
  for (const int member : {0, 1}) {
    EXPECT_TRUE(floors.quiet(member, Nanoseconds{1'000}, 1.0, Nanoseconds{0})) << member;  // at the floor
    EXPECT_FALSE(floors.quiet(member, Nanoseconds{1'001}, 1.0, Nanoseconds{0})) << member;
    EXPECT_TRUE(floors.quiet(member, Nanoseconds{1'500}, 1.5, Nanoseconds{0})) << member;
    EXPECT_FALSE(floors.quiet(member, Nanoseconds{1'501}, 1.5, Nanoseconds{0})) << member;
    EXPECT_TRUE(floors.quiet(member, Nanoseconds{1'250}, 1.0, Nanoseconds{250})) << member;
    EXPECT_FALSE(floors.quiet(member, Nanoseconds{1'251}, 1.0, Nanoseconds{250})) << member;
    EXPECT_TRUE(floors.quiet(member, Nanoseconds{10}, 2.0, Nanoseconds{0})) << "below the floor is quiet";
  }
}

}  // namespace
}  // namespace berkeley
