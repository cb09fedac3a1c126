#include "core/interaction_table.h"

#include <gtest/gtest.h>

namespace herald::core {
namespace {

using nlohmann::json;

InteractionTable Orders() {
  InteractionTable t;
  t.name = "orders";
  t.profile_table = "contacts";
  t.profile_table_id = "ptab_1";
  t.key = "orderId";
  t.columns = {{"orderId", AttributeType::kString, false, false, {}},
               {"status", AttributeType::kEnum, false, true, {"CONFIRMED", "SHIPPED"}},
               {"total", AttributeType::kDecimal, false, false, {}}};
  return t;
}

TEST(MakeInteractionTable, TheKeyColumnBecomesUniqueAndRequired) {
  auto table = MakeInteractionTable(Orders());
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_TRUE(table->Find("orderId")->unique);
  EXPECT_TRUE(table->Find("orderId")->required);
  EXPECT_FALSE(table->Find("total")->unique);
  EXPECT_EQ(table->Find("nope"), nullptr);

  InteractionTable keyless = Orders();
  keyless.key.clear();
  ASSERT_TRUE(MakeInteractionTable(keyless).ok());
  EXPECT_FALSE(MakeInteractionTable(keyless)->Find("orderId")->unique);
}

TEST(MakeInteractionTable, RefusesBadDefinitionsNamingTheField) {
  auto message = [](InteractionTable t) { return MakeInteractionTable(std::move(t)).status().message(); };
  InteractionTable t = Orders();
  t.name = "Orders!";
  EXPECT_EQ(message(t), "name: a table name is 1-64 of a-z 0-9 _ -");
  t = Orders();
  t.profile_table_id.clear();
  EXPECT_EQ(message(t).substr(0, 14), "profile_table:");
  t = Orders();
  t.key = "missing";
  EXPECT_EQ(message(t), "key: the key names one of the table's columns");
  t = Orders();
  t.columns.push_back({"paid", AttributeType::kBoolean, false, false, {}});
  t.key = "paid";
  EXPECT_EQ(message(t), "key: a boolean cannot be a key");
  t = Orders();
  t.columns[2].unique = true;
  EXPECT_EQ(message(t), "columns: only the key column is unique (total)");
  t = Orders();
  t.columns.push_back(t.columns[1]);
  EXPECT_EQ(message(t), "columns: status is defined twice");
  t = Orders();
  t.columns[1].values.clear();
  EXPECT_EQ(message(t), "columns: enum status needs 1 to 1000 values");
}

TEST(MergeRowValues, SetsRemovesAndNamesTheColumnAtFault) {
  InteractionTable table = *MakeInteractionTable(Orders());
  auto merged = MergeRowValues(table, {{"orderId", "A1"}, {"status", "CONFIRMED"}, {"total", "9.50"}},
                               {{"status", "SHIPPED"}, {"total", nullptr}});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(*merged, (json{{"orderId", "A1"}, {"status", "SHIPPED"}}));
  EXPECT_EQ(MergeRowValues(table, json::object(), {{"orderId", "A1"}}).status().message(),
            "status: required");
  EXPECT_EQ(MergeRowValues(table, {{"orderId", "A1"}, {"status", "SHIPPED"}}, {{"orderId", nullptr}})
                .status()
                .message(),
            "orderId: required");
  EXPECT_EQ(MergeRowValues(table, json::object(), {{"colour", "red"}}).status().message(),
            "colour: the table orders has no such column");
}

TEST(ChangedColumns, ExactlyTheColumnsWhoseValueDiffers) {
  const json before = {{"orderId", "A1"}, {"status", "CONFIRMED"}, {"total", "9.50"}};
  const json after = {{"orderId", "A1"}, {"status", "SHIPPED"}, {"carrier", "bpost"}};
  EXPECT_EQ(ChangedColumns(before, after), (json{{"status", {{"old", "CONFIRMED"}, {"new", "SHIPPED"}}},
                                                 {"total", {{"old", "9.50"}, {"new", nullptr}}},
                                                 {"carrier", {{"old", nullptr}, {"new", "bpost"}}}}));
  EXPECT_EQ(UpdatedDetails(before, after)->at("changed").size(), 3u);
  EXPECT_FALSE(UpdatedDetails(before, before).has_value());
  EXPECT_TRUE(ChangedColumns({{"n", 1}}, {{"n", 1}}).empty());
  Row row;
  row.values = before;
  EXPECT_EQ(CreatedDetails(row), (json{{"values", before}}));
}

TEST(RowEventType, NamesReadBothWays) {
  EXPECT_EQ(ToString(RowEventType::kCreated), "row.created");
  EXPECT_EQ(ToString(RowEventType::kUpdated), "row.updated");
  EXPECT_EQ(ParseRowEventType("row.updated"), RowEventType::kUpdated);
  EXPECT_EQ(ParseRowEventType("row.deleted"), std::nullopt);
}

}  // namespace
}  // namespace herald::core
