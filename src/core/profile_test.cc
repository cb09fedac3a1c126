#include "core/profile.h"

#include <gtest/gtest.h>

namespace herald::core {
namespace {

using nlohmann::json;

ProfileTable Custom() {
  return {"ptab_1", "acct", "customers", ProfileTableKind::kCustom, "customerId",
          {{"customerId", AttributeType::kString, false, false, {}},
           {"tier", AttributeType::kEnum, false, true, {"gold", "silver"}},
           {"note", AttributeType::kString, false, false, {}}},
          {}};
}

TEST(MakeProfileTable, TransactionalTablesGetEmailAndGsm) {
  auto table = MakeProfileTable({"", "", "contacts", ProfileTableKind::kTransactional, "",
                                 {{"firstName", AttributeType::kString, false, false, {}}}, {}});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->attributes.size(), 3u);
  EXPECT_EQ(table->attributes[0].name, "emailAddress");
  EXPECT_TRUE(table->attributes[0].unique);
  EXPECT_FALSE(table->attributes[0].required);
  EXPECT_EQ(table->attributes[1].type, AttributeType::kPhone);
  EXPECT_EQ(table->Find("firstName")->type, AttributeType::kString);
}

TEST(MakeProfileTable, CustomTablesAreKeyedByAnAttributeOfTheirs) {
  auto table = MakeProfileTable(Custom());
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_TRUE(table->Find("customerId")->unique);
  EXPECT_TRUE(table->Find("customerId")->required);

  ProfileTable no_key = Custom();
  no_key.key = "missing";
  EXPECT_EQ(MakeProfileTable(no_key).status().code(), Code::kInvalidArgument);
  ProfileTable twice = Custom();
  twice.attributes.push_back(twice.attributes[0]);
  EXPECT_EQ(MakeProfileTable(twice).status().message(), "attributes: customerId is defined twice");
  ProfileTable empty_enum = Custom();
  empty_enum.attributes[1].values.clear();
  EXPECT_EQ(MakeProfileTable(empty_enum).status().code(), Code::kInvalidArgument);
  ProfileTable bad_name = Custom();
  bad_name.name = "Customers!";
  EXPECT_EQ(MakeProfileTable(bad_name).status().code(), Code::kInvalidArgument);
  ProfileTable own_email{"", "", "t", ProfileTableKind::kTransactional, "",
                         {{"emailAddress", AttributeType::kEmail, false, false, {}}}, {}};
  EXPECT_EQ(MakeProfileTable(own_email).status().code(), Code::kInvalidArgument);
}

TEST(MergeAttributes, SetsRemovesAndKeepsRequiredOnes) {
  ProfileTable table = *MakeProfileTable(Custom());
  auto merged = MergeAttributes(table, {{"customerId", "c1"}, {"tier", "gold"}, {"note", "hi"}},
                                {{"tier", "silver"}, {"note", nullptr}});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(*merged, (json{{"customerId", "c1"}, {"tier", "silver"}}));
  EXPECT_EQ(MergeAttributes(table, {{"customerId", "c1"}, {"tier", "gold"}}, {{"tier", nullptr}}).status().message(),
            "tier: required");
  EXPECT_EQ(MergeAttributes(table, json::object(), {{"customerId", "c2"}}).status().message(), "tier: required");
  EXPECT_EQ(MergeAttributes(table, json::object(), {{"x", 1}}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(IndexText(json("a@b.c")), "a@b.c");
  EXPECT_EQ(IndexText(json(42)), "42");
  EXPECT_EQ(IndexText(json(true)), "true");
}

}  // namespace
}  // namespace herald::core
