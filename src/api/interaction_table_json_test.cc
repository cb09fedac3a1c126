#include "api/interaction_table_json.h"

#include <gtest/gtest.h>

namespace herald::api {
namespace {

using nlohmann::json;

template <typename T>
void ExpectError(const std::variant<T, ApiError>& result, std::string_view code, std::string_view field) {
  const ApiError* error = std::get_if<ApiError>(&result);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code, code);
  EXPECT_EQ(error->field, field);
}

TEST(ReadInteractionTable, ReadsTheDefinitionAsGiven) {
  auto read =
      ReadInteractionTable(json::parse(R"({"name": "orders", "profile_table": "contacts", "key": "orderId",
      "columns": [{"name": "orderId", "type": "string"}, {"name": "status", "type": "enum", "values": ["A", "B"],
                   "required": true}]})"));
  ASSERT_EQ(std::get_if<ApiError>(&read), nullptr) << std::get<ApiError>(read).message;
  const core::InteractionTable& table = std::get<core::InteractionTable>(read);
  EXPECT_EQ(table.name, "orders");
  EXPECT_EQ(table.profile_table, "contacts");
  EXPECT_EQ(table.key, "orderId");
  ASSERT_EQ(table.columns.size(), 2u);
  EXPECT_EQ(table.columns[1].type, core::AttributeType::kEnum);
  EXPECT_TRUE(table.columns[1].required);
  EXPECT_FALSE(table.columns[0].unique);  // not yet: core::MakeInteractionTable makes the key unique
}

TEST(ReadInteractionTable, NamesTheFieldAtFault) {
  ExpectError(ReadInteractionTable({{"profile_table", "contacts"}}), "missing_field", "name");
  ExpectError(ReadInteractionTable({{"name", "orders"}}), "missing_field", "profile_table");
  ExpectError(ReadInteractionTable({{"name", 7}, {"profile_table", "contacts"}}), "invalid_type", "name");
  ExpectError(ReadInteractionTable({{"name", "orders"}, {"profile_table", "contacts"}, {"kind", "custom"}}),
              "unknown_field", "kind");
  ExpectError(
      ReadInteractionTable(json::parse(R"({"name": "orders", "profile_table": "contacts", "columns": {}})")),
      "invalid_type", "columns");
  ExpectError(
      ReadInteractionTable(json::parse(R"({"name": "orders", "profile_table": "contacts", "columns": [7]})")),
      "invalid_type", "columns[0]");
  ExpectError(
      ReadInteractionTable(json::parse(
          R"({"name": "orders", "profile_table": "contacts", "columns": [{"name": "a", "type": "text"}]})")),
      "invalid_value", "columns[0].type");
}

TEST(ReadRowRequest, CreationNeedsAProfileAndAChangeNeedsValues) {
  auto created = ReadRowRequest({{"profile", "jane@example.com"}, {"values", {{"status", "A"}}}}, true);
  ASSERT_EQ(std::get_if<ApiError>(&created), nullptr);
  EXPECT_EQ(std::get<RowRequest>(created).profile, "jane@example.com");
  EXPECT_EQ(std::get<RowRequest>(created).values, (json{{"status", "A"}}));
  EXPECT_EQ(std::get<RowRequest>(ReadRowRequest({{"profile", "p"}}, true)).values, json::object());

  ExpectError(ReadRowRequest({{"values", json::object()}}, true), "missing_field", "profile");
  ExpectError(ReadRowRequest({{"profile", 42}}, true), "invalid_type", "profile");
  ExpectError(ReadRowRequest({{"profile", "p"}, {"values", "x"}}, true), "invalid_type", "values");
  ExpectError(ReadRowRequest(json::object(), false), "missing_field", "values");
  ExpectError(ReadRowRequest({{"profile", "p"}, {"values", json::object()}}, false), "unknown_field",
              "profile");
}

TEST(RowEventJson, CarriesTheDetailsBesideWhoAndWhen) {
  core::InteractionTable table;
  table.name = "orders";
  core::RowEvent event{42,
                       core::RowEventType::kUpdated,
                       "itab_1",
                       "row_1",
                       "prf_1",
                       {{"changed", {{"status", {{"old", "A"}, {"new", "B"}}}}}},
                       FromUnixMillis(0)};
  EXPECT_EQ(RowEventJson(table, event), (json{{"id", "42"},
                                              {"type", "row.updated"},
                                              {"table", "orders"},
                                              {"row_id", "row_1"},
                                              {"profile_id", "prf_1"},
                                              {"at", "1970-01-01T00:00:00.000Z"},
                                              {"changed", {{"status", {{"old", "A"}, {"new", "B"}}}}}}));
}

}  // namespace
}  // namespace herald::api
