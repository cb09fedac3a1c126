// The Store conformance suite, continued: campaigns and their versions. The fixture and the list of
// backends are those of store_conformance_test.cc.
#include <gtest/gtest.h>

#include "storage/store.h"
#include "storage/store_conformance.h"
#include "storage/sync.h"

namespace herald::storage {
namespace {

using core::Campaign;
using core::CampaignStatus;

class Campaigns : public StoreConformance {
 protected:
  Campaign NewCampaign(const std::string& account_id, const std::string& key) {
    Campaign c;
    c.id = NewId("cmp", clock_.Now());
    c.account_id = account_id;
    c.key = key;
    c.name = "Order confirmation";
    c.profile_table = "contacts";
    c.content.from = "Shop <orders@shop.example>";
    c.content.subject = "Your order {{data.order.id}}";
    c.content.html = "<p>Hello {{profile.firstName}}</p>";
    c.created_at = c.updated_at = clock_.Now();
    return c;
  }
  Status Create(const Campaign& c) {
    return WaitFor([&](StatusCallback done) { store().CreateCampaign(c, done); });
  }
  Result<Campaign> Update(const Campaign& c) {
    return WaitForResult<Campaign>([&](auto done) { store().UpdateCampaign(c, done); });
  }
};

TEST_P(Campaigns, ContentChangesMakeVersionsOthersDoNot) {
  MadeAccount a = MakeAccount("Shop A");
  Campaign c = NewCampaign(a.account.id, "order-confirmation");
  ASSERT_TRUE(Create(c).ok());
  EXPECT_EQ(Create(c).code(), Code::kAlreadyExists);
  auto got = store().GetCampaign(a.account.id, "order-confirmation");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->content, c.content);
  EXPECT_EQ(got->status, CampaignStatus::kDraft);

  // Status and name only: the same version.
  c.status = CampaignStatus::kActive;
  c.name = "Order confirmation (EU)";
  auto activated = Update(c);
  ASSERT_TRUE(activated.ok()) << activated.status().ToString();
  EXPECT_EQ(activated->version, 1);
  EXPECT_EQ(activated->status, CampaignStatus::kActive);

  // New content: version 2; version 1 stays readable as it was.
  const core::CampaignContent first = c.content;
  c.content.subject = "Order {{data.order.id}} confirmed";
  c.content.track_clicks = false;
  auto changed = Update(c);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->version, 2);
  EXPECT_EQ(store().GetCampaign(a.account.id, "order-confirmation")->content.subject, "Order {{data.order.id}} confirmed");
  EXPECT_EQ(*store().GetCampaignVersion(got->id, 1), first);
  EXPECT_FALSE(store().GetCampaignVersion(got->id, 2)->track_clicks);
  EXPECT_EQ(store().GetCampaignVersion(got->id, 3).status().code(), Code::kNotFound);
}

TEST_P(Campaigns, KeysAreTheAccountsOwn) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  ASSERT_TRUE(Create(NewCampaign(a.account.id, "reset")).ok());
  ASSERT_TRUE(Create(NewCampaign(b.account.id, "reset")).ok());  // another account, the same key
  ASSERT_TRUE(Create(NewCampaign(a.account.id, "alpha")).ok());
  auto listed = store().ListCampaigns(a.account.id);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, "alpha");
  Campaign foreign = NewCampaign(b.account.id, "alpha");
  EXPECT_EQ(Update(foreign).status().code(), Code::kNotFound);
  EXPECT_EQ(WaitFor([&](StatusCallback done) { store().DeleteCampaign(b.account.id, "alpha", done); }).code(),
            Code::kNotFound);
  ASSERT_TRUE(WaitFor([&](StatusCallback done) { store().DeleteCampaign(a.account.id, "alpha", done); }).ok());
  EXPECT_EQ(store().GetCampaign(a.account.id, "alpha").status().code(), Code::kNotFound);
  EXPECT_TRUE(store().GetCampaign(a.account.id, "reset").ok());
}

// A read after a change has been acknowledged sees it, however often the campaign was read before (the
// SQLite store keeps campaigns in memory).
TEST_P(Campaigns, ReadsSeeEveryAcknowledgedChange) {
  MadeAccount a = MakeAccount("Shop A");
  Campaign c = NewCampaign(a.account.id, "welcome");
  ASSERT_TRUE(Create(c).ok());
  for (int i = 0; i < 2; ++i) EXPECT_EQ(store().GetCampaign(a.account.id, "welcome")->status, CampaignStatus::kDraft);
  c.status = CampaignStatus::kActive;
  ASSERT_TRUE(Update(c).ok());
  EXPECT_EQ(store().GetCampaign(a.account.id, "welcome")->status, CampaignStatus::kActive);
  c.content.subject = "Welcome, {{profile.firstName}}";
  ASSERT_TRUE(Update(c).ok());
  auto changed = store().GetCampaign(a.account.id, "welcome");
  EXPECT_EQ(changed->version, 2);
  EXPECT_EQ(changed->content.subject, "Welcome, {{profile.firstName}}");
  ASSERT_TRUE(WaitFor([&](StatusCallback done) { store().DeleteCampaign(a.account.id, "welcome", done); }).ok());
  EXPECT_EQ(store().GetCampaign(a.account.id, "welcome").status().code(), Code::kNotFound);
  ASSERT_TRUE(Create(c).ok());  // the key again: a new campaign at version 1
  EXPECT_EQ(store().GetCampaign(a.account.id, "welcome")->version, 1);
}

TEST_P(Campaigns, MessagesRememberTheirVersion) {
  MadeAccount a = MakeAccount("Shop A");
  NewMessage m = NewMsg(a.account.id);
  m.record.campaign_version = 3;
  const std::string id = InsertOk(m);
  EXPECT_EQ(store().GetMessage(a.account.id, id)->campaign_version, 3);
  EXPECT_FALSE(store().GetMessage(a.account.id, InsertOk(NewMsg(a.account.id)))->campaign_version.has_value());
}

}  // namespace

// Campaigns runs against every backend of the suite.
INSTANTIATE_TEST_SUITE_P(Backends, Campaigns, ::testing::ValuesIn(ConformanceBackends()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace herald::storage
