#include "profiles/attribute_values.h"

#include <gtest/gtest.h>

namespace herald::profiles {
namespace {

using core::AttributeDef;
using core::AttributeType;
using nlohmann::json;

AttributeDef Def(AttributeType type, std::vector<std::string> values = {}) { return {"x", type, false, false, std::move(values)}; }

json Ok(const AttributeDef& def, const json& value) {
  Result<json> canonical = CanonicalValue(def, value);
  EXPECT_TRUE(canonical.ok()) << value.dump() << ": " << canonical.status().ToString();
  return canonical.ok() ? *canonical : json();
}

bool Refused(const AttributeDef& def, const json& value) {
  return CanonicalValue(def, value).status().code() == Code::kInvalidArgument;
}

TEST(CanonicalValue, EachTypeInItsStoredForm) {
  EXPECT_EQ(Ok(Def(AttributeType::kString), "Jane"), "Jane");
  EXPECT_EQ(Ok(Def(AttributeType::kInteger), 42), 42);
  EXPECT_EQ(Ok(Def(AttributeType::kDecimal), "12.50"), "12.50");
  EXPECT_EQ(Ok(Def(AttributeType::kDecimal), 12.5), "12.5");
  EXPECT_EQ(Ok(Def(AttributeType::kDecimal), "+3"), "3");
  EXPECT_EQ(Ok(Def(AttributeType::kBoolean), true), true);
  EXPECT_EQ(Ok(Def(AttributeType::kDate), "2024-02-29"), "2024-02-29");
  EXPECT_EQ(Ok(Def(AttributeType::kDatetime), "2026-12-01T11:00:00+01:00"), "2026-12-01T10:00:00.000Z");
  EXPECT_EQ(Ok(Def(AttributeType::kEmail), "Jane.Doe@Example.COM"), "Jane.Doe@example.com");
  EXPECT_EQ(Ok(Def(AttributeType::kPhone), "+32 475 12 34 56"), "+32475123456");
  EXPECT_EQ(Ok(Def(AttributeType::kPhone), "+1 (650) 253-0000"), "+16502530000");
  EXPECT_EQ(Ok(Def(AttributeType::kEnum, {"gold", "silver"}), "gold"), "gold");
}

TEST(CanonicalValue, WrongValuesAreRefused) {
  EXPECT_TRUE(Refused(Def(AttributeType::kString), 5));
  EXPECT_TRUE(Refused(Def(AttributeType::kString), "bell\x07"));
  EXPECT_TRUE(Refused(Def(AttributeType::kString), std::string(5000, 'x')));
  EXPECT_TRUE(Refused(Def(AttributeType::kInteger), "42"));
  EXPECT_TRUE(Refused(Def(AttributeType::kInteger), 4.5));
  EXPECT_TRUE(Refused(Def(AttributeType::kInteger), json(uint64_t{1} << 60)));
  EXPECT_TRUE(Refused(Def(AttributeType::kDecimal), "1e5"));
  EXPECT_TRUE(Refused(Def(AttributeType::kDecimal), "12."));
  EXPECT_TRUE(Refused(Def(AttributeType::kBoolean), "true"));
  EXPECT_TRUE(Refused(Def(AttributeType::kDate), "2023-02-29"));
  EXPECT_TRUE(Refused(Def(AttributeType::kDate), "2026-13-01"));
  EXPECT_TRUE(Refused(Def(AttributeType::kDatetime), "2026-12-01 10:00"));
  EXPECT_TRUE(Refused(Def(AttributeType::kEmail), "not an address"));
  EXPECT_TRUE(Refused(Def(AttributeType::kPhone), "0475 12 34 56"));  // not international
  EXPECT_TRUE(Refused(Def(AttributeType::kPhone), "+32 12"));         // not valid for Belgium
  EXPECT_TRUE(Refused(Def(AttributeType::kEnum, {"gold"}), "Gold"));
}

TEST(CanonicalValueFromText, CsvCells) {
  EXPECT_EQ(*CanonicalValueFromText(Def(AttributeType::kInteger), "-7"), -7);
  EXPECT_EQ(*CanonicalValueFromText(Def(AttributeType::kBoolean), "YES"), true);
  EXPECT_EQ(*CanonicalValueFromText(Def(AttributeType::kBoolean), "0"), false);
  EXPECT_EQ(*CanonicalValueFromText(Def(AttributeType::kString), ""), nullptr);
  EXPECT_EQ(*CanonicalValueFromText(Def(AttributeType::kPhone), "+33 1 23 45 67 89"), "+33123456789");
  EXPECT_EQ(CanonicalValueFromText(Def(AttributeType::kInteger), "7x").status().code(), Code::kInvalidArgument);
}

TEST(CanonicalValues, NameTheColumnsOfAnyTable) {
  const std::vector<core::AttributeDef> columns = {{"status", AttributeType::kEnum, false, false, {"CONFIRMED", "SHIPPED"}},
                                                   {"total", AttributeType::kDecimal, false, false, {}}};
  auto out = CanonicalValues(columns, "orders", "values", "column", {{"status", "SHIPPED"}, {"total", 9.5}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, (json{{"status", "SHIPPED"}, {"total", "9.5"}}));
  EXPECT_EQ(CanonicalValues(columns, "orders", "values", "column", {{"colour", "red"}}).status().message(),
            "colour: the table orders has no such column");
  EXPECT_EQ(CanonicalValues(columns, "orders", "values", "column", {{"status", "LOST"}}).status().message(),
            "status: one of the attribute's values");
  EXPECT_EQ(CanonicalValues(columns, "orders", "values", "column", json::array()).status().message(), "values: an object");
}

TEST(CanonicalAttributes, NamesTheAttributeAtFault) {
  auto table = core::MakeProfileTable({"ptab_1", "acct", "customers", core::ProfileTableKind::kTransactional, "",
                                       {{"firstName", AttributeType::kString, false, false, {}},
                                        {"orders", AttributeType::kInteger, false, false, {}}},
                                       {}});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto out = CanonicalAttributes(*table, {{"emailAddress", "jane@EXAMPLE.com"}, {"orders", 3}, {"firstName", nullptr}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, (json{{"emailAddress", "jane@example.com"}, {"orders", 3}, {"firstName", nullptr}}));
  EXPECT_EQ(CanonicalAttributes(*table, {{"orders", "three"}}).status().message(), "orders: an integer");
  EXPECT_EQ(CanonicalAttributes(*table, {{"shoeSize", 42}}).status().message(),
            "shoeSize: the table customers has no such attribute");
}

}  // namespace
}  // namespace herald::profiles
