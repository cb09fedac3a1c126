// The Store conformance suite, continued: statistics, moved by each event in its own commit. The
// fixture and the list of backends are those of store_conformance_test.cc.
#include <gtest/gtest.h>

#include "storage/store.h"
#include "storage/store_conformance.h"
#include "storage/sync.h"

namespace herald::storage {
namespace {

using core::EventType;
using core::MessageStatus;
using core::StatsCounter;

class Stats : public StoreConformance {
 protected:
  std::string Send(const std::string& account_id, const std::string& campaign, const std::string& domain) {
    NewMessage m = NewMsg(account_id);
    m.record.campaign = campaign;
    m.record.sender_domain = domain;
    return InsertOk(std::move(m));
  }
  void Deliver(const std::string& id) {
    ASSERT_TRUE(Attempt({id, MessageStatus::kDelivered, 1, std::nullopt,
                         {{EventType::kSent, clock_.Now(), {}}, {EventType::kDelivered, clock_.Now(), {}}}})
                    .ok());
  }
  void Engage(const std::string& id, EventType type) {
    ASSERT_TRUE(WaitFor([&](StatusCallback done) {
                  store().RecordEngagement(id, {type, clock_.Now(), {}}, done);
                }).ok());
  }
  core::StatsReport Query(const std::string& account_id, core::StatsGrouping group_by = core::StatsGrouping::kNone,
                          std::string campaign = "", std::string domain = "") {
    core::StatsQuery query;
    query.account_id = account_id;
    query.from_day = core::DayOf(kStart) - 10;
    query.to_day = core::DayOf(kStart) + 10;
    query.campaign = std::move(campaign);
    query.domain = std::move(domain);
    query.group_by = group_by;
    Result<core::StatsReport> report = store().GetStats(query);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : core::StatsReport{};
  }
};

TEST_P(Stats, EveryEventMovesItsCountersAtOnce) {
  MadeAccount a = MakeAccount("Shop A");
  const std::string one = Send(a.account.id, "order-confirmation", "shop.example");
  const std::string two = Send(a.account.id, "order-confirmation", "shop.example");
  const std::string three = Send(a.account.id, "password-reset", "mail.shop.example");
  Deliver(one);
  Deliver(two);
  ASSERT_TRUE(Attempt({three, MessageStatus::kBounced, 1, std::nullopt,
                       {{EventType::kSent, clock_.Now(), {}},
                        {EventType::kBounced, clock_.Now(), {{"bounce", {{"type", "hard"}, {"reason", "user_unknown"}}}}}},
                       false, "user_unknown"})
                  .ok());
  Engage(one, EventType::kOpened);
  Engage(one, EventType::kOpened);
  Engage(two, EventType::kOpened);
  Engage(one, EventType::kClicked);

  core::StatsReport all = Query(a.account.id);
  EXPECT_EQ(all.totals[StatsCounter::kSent], 3);
  EXPECT_EQ(all.totals[StatsCounter::kDelivered], 2);
  EXPECT_EQ(all.totals[StatsCounter::kHardBounced], 1);
  EXPECT_EQ(all.totals[StatsCounter::kSoftBounced], 0);
  EXPECT_EQ(all.totals[StatsCounter::kOpened], 3);
  EXPECT_EQ(all.totals[StatsCounter::kUniqueOpened], 2);
  EXPECT_EQ(all.totals[StatsCounter::kClicked], 1);
  EXPECT_EQ(all.totals[StatsCounter::kUniqueClicked], 1);
  EXPECT_TRUE(all.groups.empty());

  core::StatsReport by_campaign = Query(a.account.id, core::StatsGrouping::kCampaign);
  ASSERT_EQ(by_campaign.groups.size(), 2u);
  EXPECT_EQ(by_campaign.groups[0].key, "order-confirmation");
  EXPECT_EQ(by_campaign.groups[0].counters[StatsCounter::kDelivered], 2);
  EXPECT_EQ(by_campaign.groups[1].key, "password-reset");
  EXPECT_EQ(by_campaign.groups[1].counters[StatsCounter::kHardBounced], 1);

  core::StatsReport one_domain = Query(a.account.id, core::StatsGrouping::kDomain, "", "mail.shop.example");
  ASSERT_EQ(one_domain.groups.size(), 1u);
  EXPECT_EQ(one_domain.groups[0].key, "mail.shop.example");
  EXPECT_EQ(one_domain.totals[StatsCounter::kSent], 1);
  EXPECT_EQ(Query(a.account.id, core::StatsGrouping::kNone, "order-confirmation").totals[StatsCounter::kSent], 2);
}

TEST_P(Stats, DaysAreUtcDaysOfTheEventNotOfTheMessage) {
  MadeAccount a = MakeAccount("Shop A");
  const std::string id = Send(a.account.id, "order-confirmation", "shop.example");
  Deliver(id);
  clock_.Advance(kDay);
  Engage(id, EventType::kOpened);
  core::StatsReport by_day = Query(a.account.id, core::StatsGrouping::kDay);
  ASSERT_EQ(by_day.groups.size(), 2u);
  EXPECT_EQ(by_day.groups[0].key, core::FormatDay(core::DayOf(kStart)));
  EXPECT_EQ(by_day.groups[0].counters[StatsCounter::kDelivered], 1);
  EXPECT_EQ(by_day.groups[1].counters[StatsCounter::kUniqueOpened], 1);
  EXPECT_EQ(by_day.groups[1].counters[StatsCounter::kDelivered], 0);

  core::StatsQuery first_day_only;
  first_day_only.account_id = a.account.id;
  first_day_only.from_day = first_day_only.to_day = core::DayOf(kStart);
  EXPECT_EQ(store().GetStats(first_day_only)->totals[StatsCounter::kOpened], 0);
}

TEST_P(Stats, AnAccountSeesOnlyItsOwnCounters) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  Deliver(Send(a.account.id, "order-confirmation", "shop.example"));
  EXPECT_EQ(Query(a.account.id).totals[StatsCounter::kDelivered], 1);
  EXPECT_EQ(Query(b.account.id).totals[StatsCounter::kDelivered], 0);
}

TEST_P(Stats, AMessageKeepsItsSendingDomain) {
  MadeAccount a = MakeAccount("Shop A");
  const std::string id = Send(a.account.id, "order-confirmation", "shop.example");
  EXPECT_EQ(store().GetMessage(a.account.id, id)->sender_domain, "shop.example");
}

TEST_P(Stats, MessagesAreFoundByCampaignAndPeriodForExports) {
  MadeAccount a = MakeAccount("Shop A");
  const TimePoint start = clock_.Now();
  const std::string early = Send(a.account.id, "order-confirmation", "shop.example");
  clock_.Advance(kDay);
  const TimePoint second_day = clock_.Now();
  const std::string late = Send(a.account.id, "order-confirmation", "shop.example");
  const std::string other = Send(a.account.id, "password-reset", "shop.example");

  MessageQuery query{a.account.id};
  query.limit = 10;
  query.campaign = "order-confirmation";
  auto ids = [&] {
    std::vector<std::string> found;
    Result<MessagePage> page = store().SearchMessages(query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const core::MessageRecord& m : page->messages) found.push_back(m.id);
    }
    return found;
  };
  EXPECT_EQ(ids(), (std::vector<std::string>{late, early}));
  query.created_from = second_day;
  EXPECT_EQ(ids(), std::vector<std::string>{late});
  query.campaign.reset();
  EXPECT_EQ(ids(), (std::vector<std::string>{other, late}));
  query.created_from = start;
  query.created_to = second_day;
  EXPECT_EQ(ids(), std::vector<std::string>{early});
}

}  // namespace

// Stats runs against every backend of the suite.
INSTANTIATE_TEST_SUITE_P(Backends, Stats, ::testing::ValuesIn(ConformanceBackends()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace herald::storage
