// The independent audit over a channel (sync/group_audit.hpp): every member re-measured with the interval
// estimator, its truth inside what the audit states; a silent member costs one exchange and gets no audit.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <vector>

#include "sync/group_audit.hpp"

namespace berkeley {
namespace {

// member m's clock reads master + offset[m]; every exchange takes `out` there and `back` return (each
// exchange a little slower than the one before, so the intervals differ); member `silent` never answers
class KnownOffsetsChannel final : public GroupChannel {
 public:
  KnownOffsetsChannel(std::vector<std::int64_t> offsets, std::optional<int> silent)
      : offsets_(std::move(offsets)), silent_(silent) {}
  [[nodiscard]] int size() const override { return static_cast<int>(offsets_.size()); }
  [[nodiscard]] std::optional<OffsetSample> exchange(int member) override {
    ++asked_[member];
    if (silent_ && *silent_ == member) return std::nullopt;
    const std::int64_t out = 400 + 37 * asked_[member];
    const std::int64_t back = 900 - 53 * asked_[member];
    const std::int64_t sent = now_;
    const std::int64_t remote = sent + out + offsets_[static_cast<std::size_t>(member)];
    now_ = sent + out + back;
    const OffsetSample sample{at_ns(sent), at_ns(remote), at_ns(now_)};
    now_ += 5'000;
    return sample;
  }
  void release(int member) override { released_.push_back(member); }

  std::vector<std::int64_t> offsets_;
  std::optional<int> silent_;
  std::int64_t now_ = 1'000'000;
  std::map<int, int> asked_;
  std::vector<int> released_;
};

TEST(AuditGroup, EveryMembersTruthIsWithinWhatItsAuditStates) {
  KnownOffsetsChannel channel({0, 250'000, -3'000'000, 17}, std::nullopt);
  const auto audits = audit_group(channel, 8);
  ASSERT_EQ(audits.size(), 4U);
  ASSERT_TRUE(audits[0].has_value());
  EXPECT_EQ(audits[0]->residual_ns, Nanoseconds{0});  // the master against itself
  EXPECT_EQ(audits[0]->uncertainty_ns, Nanoseconds{0});
  for (std::size_t m = 1; m < audits.size(); ++m) {
    ASSERT_TRUE(audits[m].has_value()) << "member " << m;
    EXPECT_TRUE(audits[m]->consistent) << "member " << m;
    EXPECT_EQ(audits[m]->samples, 8) << "member " << m;
    const std::int64_t error = (audits[m]->residual_ns - Nanoseconds{channel.offsets_[m]}).count();
    EXPECT_LE(std::abs(error), audits[m]->uncertainty_ns.count()) << "member " << m;
    // narrower than the best single exchange allows (half its round trip: 604 ns here): the exchanges'
    // intervals were intersected (457 ns)
    EXPECT_LT(audits[m]->uncertainty_ns, Nanoseconds{604}) << "member " << m;
    EXPECT_EQ(channel.asked_[static_cast<int>(m)], 8) << "member " << m;
  }
  EXPECT_EQ(channel.released_, (std::vector<int>{1, 2, 3}));  // each released once its exchanges were done
}

TEST(AuditGroup, ASilentMemberCostsOneExchangeAndIsNotAudited) {
  KnownOffsetsChannel channel({0, 1'000, 2'000}, 1);
  const auto audits = audit_group(channel, 8);
  EXPECT_FALSE(audits[1].has_value());
  EXPECT_EQ(channel.asked_[1], 1);  // not asked again after the first silence
  ASSERT_TRUE(audits[2].has_value());
  EXPECT_LE(std::abs((audits[2]->residual_ns - Nanoseconds{2'000}).count()), audits[2]->uncertainty_ns.count());
  EXPECT_EQ(channel.released_, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace berkeley
