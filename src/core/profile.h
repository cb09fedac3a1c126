// Profile tables and profiles (DESIGN §1): the recipients of campaigns, with typed attributes.
//
// A *transactional* table has two predefined attributes, `emailAddress` (email) and `gsmNumber`
// (phone), each unique and optional, and any others the account adds; a profile in it is found by
// either (one person may be two profiles, one per channel, by design). A *custom* table is keyed by
// the attribute it names (e.g. `customerId`), which is unique and required. Attribute values are
// stored canonically as JSON (AttributeType says which form): strings for string, decimal ("-12.50":
// exact, as written), date (YYYY-MM-DD), datetime (RFC 3339, UTC), email (addr-spec, domain
// lowercased), phone (E.164) and enum; numbers for integer; booleans for boolean.
//
// Thread-safety: plain values and pure functions. Untrusted input: MergeAttributes takes values
// already made canonical (profiles/attribute_values.h does that from what callers send).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace herald::core {

enum class AttributeType { kString, kInteger, kDecimal, kBoolean, kDate, kDatetime, kEmail, kPhone, kEnum };
enum class ProfileTableKind { kTransactional, kCustom };

std::string_view ToString(AttributeType type);  // "string", "integer", …, "enum"
std::optional<AttributeType> ParseAttributeType(std::string_view text);
std::string_view ToString(ProfileTableKind kind);  // "transactional", "custom"
std::optional<ProfileTableKind> ParseProfileTableKind(std::string_view text);
// 1-64 of [a-z0-9_-]: a profile table's name.
bool IsTableName(std::string_view name);

inline constexpr std::string_view kEmailAttribute = "emailAddress";
inline constexpr std::string_view kGsmAttribute = "gsmNumber";

struct AttributeDef {
  std::string name;  // 1-64 of [A-Za-z0-9_], not starting with a digit
  AttributeType type = AttributeType::kString;
  bool unique = false;
  bool required = false;
  std::vector<std::string> values;  // kEnum: the allowed values
};

struct ProfileTable {
  std::string id;  // "ptab_…"
  std::string account_id;
  std::string name;  // unique within the account; 1-64 of [a-z0-9_-]
  ProfileTableKind kind = ProfileTableKind::kTransactional;
  std::string key;  // custom: the key attribute's name; transactional: empty (found by email or phone)
  std::vector<AttributeDef> attributes;
  TimePoint created_at;

  const AttributeDef* Find(std::string_view attribute) const;
};

struct Profile {
  std::string id;  // "prf_…"
  std::string table_id;
  std::string key;  // custom: the key attribute's value; transactional: the profile id
  nlohmann::json attributes = nlohmann::json::object();  // canonical values, by attribute name
  TimePoint created_at;
  TimePoint updated_at;
};

// The table as created: a transactional table gets emailAddress and gsmNumber (unique, optional)
// before its own attributes; a custom table's key attribute becomes unique and required.
// InvalidArgument naming the problem: a bad table or attribute name, a duplicate attribute, an enum
// without values, a custom table without a key or with a key it does not define, a transactional
// table that defines emailAddress or gsmNumber itself.
Result<ProfileTable> MakeProfileTable(ProfileTable table);

// `existing` (an object; empty for a new profile) with `changes` applied: each member sets that
// attribute, a null member removes it. InvalidArgument (message naming the attribute) for an
// attribute the table does not define, or a required one left without a value.
Result<nlohmann::json> MergeAttributes(const ProfileTable& table, const nlohmann::json& existing,
                                       const nlohmann::json& changes);

// The text under which a canonical value is indexed for lookups and uniqueness ("true", "42",
// "jane@example.com").
std::string IndexText(const nlohmann::json& value);

}  // namespace herald::core
