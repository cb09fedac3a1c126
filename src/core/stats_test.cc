#include "core/stats.h"

#include <gtest/gtest.h>

namespace herald::core {
namespace {

Event Make(EventType type, nlohmann::json details = nlohmann::json::object()) {
  return {type, TimePoint{}, std::move(details)};
}

TEST(Stats, EachEventMovesItsCounters) {
  using C = StatsCounter;
  EXPECT_EQ(CountersMovedBy(Make(EventType::kSent), true), std::vector<C>{C::kSent});
  EXPECT_EQ(CountersMovedBy(Make(EventType::kDelivered), true), std::vector<C>{C::kDelivered});
  EXPECT_EQ(CountersMovedBy(Make(EventType::kBounced, {{"bounce", {{"type", "hard"}}}}), true),
            std::vector<C>{C::kHardBounced});
  EXPECT_EQ(CountersMovedBy(Make(EventType::kBounced, {{"bounce", {{"type", "soft"}}}}), true),
            std::vector<C>{C::kSoftBounced});
  // A failure after the maximum age carries a hard bounce; a refusal by a relay does not.
  EXPECT_EQ(CountersMovedBy(Make(EventType::kFailed, {{"bounce", {{"type", "hard"}}}}), true),
            std::vector<C>{C::kHardBounced});
  EXPECT_TRUE(CountersMovedBy(Make(EventType::kFailed, {{"reason", "rejected"}}), true).empty());
  EXPECT_TRUE(CountersMovedBy(Make(EventType::kQueued), true).empty());
  EXPECT_TRUE(CountersMovedBy(Make(EventType::kCancelled), true).empty());
}

TEST(Stats, OnlyAMessagesFirstOpenAndClickAreUnique) {
  using C = StatsCounter;
  EXPECT_EQ(CountersMovedBy(Make(EventType::kOpened), true), (std::vector<C>{C::kOpened, C::kUniqueOpened}));
  EXPECT_EQ(CountersMovedBy(Make(EventType::kOpened), false), std::vector<C>{C::kOpened});
  EXPECT_EQ(CountersMovedBy(Make(EventType::kClicked), true), (std::vector<C>{C::kClicked, C::kUniqueClicked}));
  EXPECT_EQ(CountersMovedBy(Make(EventType::kClicked), false), std::vector<C>{C::kClicked});
}

TEST(Stats, RatesAreSharesOfSentAndDeliveredAndZeroWithoutABase) {
  StatsCounters c;
  EXPECT_EQ(c.ToJson()["rates"]["delivery_rate"], 0.0);
  c[StatsCounter::kSent] = 4;
  c[StatsCounter::kDelivered] = 2;
  c[StatsCounter::kHardBounced] = 1;
  c[StatsCounter::kSoftBounced] = 1;
  c[StatsCounter::kUniqueOpened] = 1;
  nlohmann::json json = c.ToJson();
  EXPECT_EQ(json["sent"], 4);
  EXPECT_EQ(json["unique_opened"], 1);
  EXPECT_EQ(json["rates"]["delivery_rate"], 0.5);
  EXPECT_EQ(json["rates"]["bounce_rate"], 0.5);
  EXPECT_EQ(json["rates"]["hard_bounce_rate"], 0.25);
  EXPECT_EQ(json["rates"]["open_rate"], 0.5);
}

TEST(Stats, DaysAreUtcAndRoundTrip) {
  const TimePoint t = std::chrono::sys_days{std::chrono::year{2026} / 12 / 2} + std::chrono::hours{23};
  EXPECT_EQ(FormatDay(DayOf(t)), "2026-12-02");
  EXPECT_EQ(DayOf(TimePoint{}), 0);
  EXPECT_EQ(FormatDay(0), "1970-01-01");
  EXPECT_FALSE(ParseStatsGrouping("week"));
  EXPECT_EQ(ParseStatsGrouping("domain"), StatsGrouping::kDomain);
}

}  // namespace
}  // namespace herald::core
