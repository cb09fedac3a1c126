// The Store conformance suite, continued: profile tables and profiles. The fixture and the list of
// backends are those of store_conformance_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/store.h"
#include "storage/store_conformance.h"
#include "storage/sync.h"

namespace herald::storage {
namespace {

using core::AttributeType;
using nlohmann::json;

class Profiles : public StoreConformance {
 protected:
  core::ProfileTable Table(const std::string& account_id, core::ProfileTableKind kind = core::ProfileTableKind::kTransactional) {
    core::ProfileTable t;
    t.id = NewId("ptab", clock_.Now());
    t.account_id = account_id;
    t.name = kind == core::ProfileTableKind::kCustom ? "customers" : "contacts";
    t.kind = kind;
    t.attributes = {{"firstName", AttributeType::kString, false, false, {}},
                    {"loyalty", AttributeType::kInteger, false, false, {}}};
    if (kind == core::ProfileTableKind::kCustom) {
      t.key = "customerId";
      t.attributes.push_back({"customerId", AttributeType::kString, false, false, {}});
    }
    t.created_at = clock_.Now();
    auto made = core::MakeProfileTable(t);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    EXPECT_TRUE(WaitFor([&](StatusCallback done) { store().CreateProfileTable(*made, done); }).ok());
    return *made;
  }

  Result<ProfileWriteOutcome> Upsert(const core::ProfileTable& table, std::string attribute, std::string value,
                                     json changes) {
    clock_.Advance(Duration(1));
    ProfileWrite write{table, std::move(attribute), std::move(value), std::move(changes), NewId("prf", clock_.Now()),
                       clock_.Now()};
    return WaitForResult<ProfileWriteOutcome>([&](auto done) { store().UpsertProfile(write, done); });
  }
};

TEST_P(Profiles, TablesAreNamedOncePerAccount) {
  MadeAccount a = MakeAccount("Shop A");
  MadeAccount b = MakeAccount("Shop B");
  core::ProfileTable contacts = Table(a.account.id);
  auto got = store().GetProfileTable(a.account.id, "contacts");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, contacts.id);
  ASSERT_EQ(got->attributes.size(), 4u);
  EXPECT_EQ(got->attributes[0].name, "emailAddress");
  EXPECT_TRUE(got->attributes[0].unique);
  EXPECT_EQ(got->attributes[3].type, AttributeType::kInteger);
  EXPECT_EQ(WaitFor([&](StatusCallback done) { store().CreateProfileTable(contacts, done); }).code(),
            Code::kAlreadyExists);
  EXPECT_EQ(store().GetProfileTable(b.account.id, "contacts").status().code(), Code::kNotFound);
  Table(b.account.id);  // the same name in another account
  EXPECT_EQ(store().ListProfileTables(a.account.id)->size(), 1u);
}

TEST_P(Profiles, UpsertCreatesThenMergesByTheLookupValue) {
  MadeAccount a = MakeAccount("Shop A");
  core::ProfileTable t = Table(a.account.id);
  auto created = Upsert(t, "emailAddress", "jane@example.com",
                        {{"emailAddress", "jane@example.com"}, {"firstName", "Jane"}, {"loyalty", 1}});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(created->created);
  const std::string id = created->profile.id;

  auto changed = Upsert(t, "emailAddress", "jane@example.com", {{"loyalty", 2}, {"firstName", nullptr}});
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_FALSE(changed->created);
  EXPECT_EQ(changed->profile.id, id);
  EXPECT_EQ(changed->profile.attributes, (json{{"emailAddress", "jane@example.com"}, {"loyalty", 2}}));
  EXPECT_GT(changed->profile.updated_at, changed->profile.created_at);

  auto found = store().FindProfile(t.id, "loyalty", "2");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(store().FindProfile(t.id, "firstName", "Jane").status().code(), Code::kNotFound);  // removed
}

TEST_P(Profiles, AUniqueValueBelongsToOneProfileAndAFailedWriteChangesNothing) {
  MadeAccount a = MakeAccount("Shop A");
  core::ProfileTable t = Table(a.account.id);
  ASSERT_TRUE(Upsert(t, "emailAddress", "jane@example.com", {{"emailAddress", "jane@example.com"}, {"gsmNumber", "+32475123456"}}).ok());
  ASSERT_TRUE(Upsert(t, "emailAddress", "john@example.com", {{"emailAddress", "john@example.com"}}).ok());
  auto taken = Upsert(t, "emailAddress", "john@example.com", {{"gsmNumber", "+32475123456"}, {"firstName", "John"}});
  EXPECT_EQ(taken.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(taken.status().message(), "gsmNumber: the value belongs to another profile");
  EXPECT_FALSE(store().FindProfile(t.id, "emailAddress", "john@example.com")->attributes.contains("firstName"));
  EXPECT_EQ(store().FindProfile(t.id, "gsmNumber", "+32475123456")->attributes["emailAddress"], "jane@example.com");

  // A profile needs its lookup value; unknown attributes are refused.
  EXPECT_EQ(Upsert(t, "emailAddress", "new@example.com", {{"firstName", "New"}}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Upsert(t, "emailAddress", "new@example.com", {{"emailAddress", "new@example.com"}, {"shoe", 42}})
                .status()
                .code(),
            Code::kInvalidArgument);
  EXPECT_EQ(store().FindProfile(t.id, "emailAddress", "new@example.com").status().code(), Code::kNotFound);
}

TEST_P(Profiles, CustomTablesAreKeyedAndSearchPages) {
  MadeAccount a = MakeAccount("Shop A");
  core::ProfileTable t = Table(a.account.id, core::ProfileTableKind::kCustom);
  for (int i = 0; i < 5; ++i) {
    const std::string key = "c" + std::to_string(i);
    auto made = Upsert(t, "customerId", key, {{"customerId", key}, {"loyalty", i % 2}});
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    EXPECT_EQ(made->profile.key, key);
  }
  EXPECT_EQ(Upsert(t, "customerId", "c0", {{"customerId", nullptr}}).status().code(),
            Code::kInvalidArgument);  // the key is required
  auto first = store().SearchProfiles(t.id, "loyalty", "0", "", 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->profiles.size(), 2u);
  EXPECT_EQ(first->profiles[0].key, "c0");
  EXPECT_EQ(first->profiles[1].key, "c2");
  auto second = store().SearchProfiles(t.id, "loyalty", "0", first->next_cursor, 2);
  ASSERT_EQ(second->profiles.size(), 1u);
  EXPECT_EQ(second->profiles[0].key, "c4");
  EXPECT_TRUE(second->next_cursor.empty());
}

TEST_P(Profiles, ErasureRemovesTheProfileAndItsMessagesMetadata) {
  MadeAccount a = MakeAccount("Shop A");
  core::ProfileTable t = Table(a.account.id);
  NewMessage m = NewMsg(a.account.id, "jane@example.com");
  m.profile = ProfileWrite{t, "emailAddress", "jane@example.com", {{"emailAddress", "jane@example.com"}},
                           NewId("prf", clock_.Now()), clock_.Now()};
  const std::string message_id = InsertOk(m);
  auto profile = store().FindProfile(t.id, "emailAddress", "jane@example.com");
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  EXPECT_EQ(store().GetMessage(a.account.id, message_id)->metadata, (json{{"order_id", "42"}}));

  ASSERT_TRUE(WaitFor([&](StatusCallback done) { store().DeleteProfile(t.id, profile->id, done); }).ok());
  EXPECT_EQ(store().FindProfile(t.id, "emailAddress", "jane@example.com").status().code(), Code::kNotFound);
  EXPECT_EQ(store().GetMessage(a.account.id, message_id)->metadata, json::object());
  EXPECT_EQ(WaitFor([&](StatusCallback done) { store().DeleteProfile(t.id, profile->id, done); }).code(),
            Code::kNotFound);
}

TEST_P(Profiles, AMessageWhoseProfileWriteFailsIsNotStored) {
  MadeAccount a = MakeAccount("Shop A");
  core::ProfileTable t = Table(a.account.id);
  NewMessage m = NewMsg(a.account.id, "jane@example.com");
  m.profile = ProfileWrite{t, "emailAddress", "jane@example.com", {{"emailAddress", "jane@example.com"}, {"nope", 1}},
                           NewId("prf", clock_.Now()), clock_.Now()};
  EXPECT_EQ(Insert(m).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store().GetMessage(a.account.id, m.record.id).status().code(), Code::kNotFound);
}

}  // namespace

// Profiles runs against every backend of the suite.
INSTANTIATE_TEST_SUITE_P(Backends, Profiles, ::testing::ValuesIn(ConformanceBackends()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace herald::storage
