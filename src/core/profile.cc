#include "core/profile.h"

#include <algorithm>
#include <set>

#include "core/enum_names.h"

namespace herald::core {
namespace {

constexpr EnumNames<AttributeType, 9> kTypes = {{
    {AttributeType::kString, "string"},
    {AttributeType::kInteger, "integer"},
    {AttributeType::kDecimal, "decimal"},
    {AttributeType::kBoolean, "boolean"},
    {AttributeType::kDate, "date"},
    {AttributeType::kDatetime, "datetime"},
    {AttributeType::kEmail, "email"},
    {AttributeType::kPhone, "phone"},
    {AttributeType::kEnum, "enum"},
}};

constexpr EnumNames<ProfileTableKind, 2> kKinds = {{
    {ProfileTableKind::kTransactional, "transactional"},
    {ProfileTableKind::kCustom, "custom"},
}};

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxAttributes = 200;
constexpr size_t kMaxEnumValues = 1000;

bool IsAttributeName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes || (name.front() >= '0' && name.front() <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

bool IsTableName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxNameBytes && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string_view ToString(AttributeType type) { return NameOf(kTypes, type); }
std::optional<AttributeType> ParseAttributeType(std::string_view text) { return ValueOf(kTypes, text); }
std::string_view ToString(ProfileTableKind kind) { return NameOf(kKinds, kind); }
std::optional<ProfileTableKind> ParseProfileTableKind(std::string_view text) { return ValueOf(kKinds, text); }

const AttributeDef* ProfileTable::Find(std::string_view attribute) const {
  for (const AttributeDef& def : attributes) {
    if (def.name == attribute) return &def;
  }
  return nullptr;
}

Result<ProfileTable> MakeProfileTable(ProfileTable table) {
  if (!IsTableName(table.name))
    return Status::InvalidArgument("name: a table name is 1-64 of a-z 0-9 _ -");
  if (table.attributes.size() > kMaxAttributes)
    return Status::InvalidArgument("attributes: at most " + std::to_string(kMaxAttributes));
  std::set<std::string> names;
  for (const AttributeDef& def : table.attributes) {
    if (!IsAttributeName(def.name))
      return Status::InvalidArgument("attributes: \"" + def.name + "\" is not an attribute name (1-64 of A-Z a-z 0-9 _)");
    if (!names.insert(def.name).second) return Status::InvalidArgument("attributes: " + def.name + " is defined twice");
    if (def.type == AttributeType::kEnum && (def.values.empty() || def.values.size() > kMaxEnumValues))
      return Status::InvalidArgument("attributes: enum " + def.name + " needs 1 to 1000 values");
    if (def.type != AttributeType::kEnum && !def.values.empty())
      return Status::InvalidArgument("attributes: values are for enum attributes only (" + def.name + ")");
  }
  if (table.kind == ProfileTableKind::kTransactional) {
    if (names.contains(std::string(kEmailAttribute)) || names.contains(std::string(kGsmAttribute)))
      return Status::InvalidArgument("attributes: a transactional table defines emailAddress and gsmNumber itself");
    if (!table.key.empty()) return Status::InvalidArgument("key: a transactional table is found by emailAddress or gsmNumber");
    table.attributes.insert(table.attributes.begin(),
                            {AttributeDef{std::string(kEmailAttribute), AttributeType::kEmail, true, false, {}},
                             AttributeDef{std::string(kGsmAttribute), AttributeType::kPhone, true, false, {}}});
    return table;
  }
  auto key = std::find_if(table.attributes.begin(), table.attributes.end(),
                          [&](const AttributeDef& def) { return def.name == table.key; });
  if (table.key.empty() || key == table.attributes.end())
    return Status::InvalidArgument("key: a custom table names one of its attributes as its key");
  if (key->type == AttributeType::kBoolean)
    return Status::InvalidArgument("key: a boolean cannot be a key");
  key->unique = key->required = true;
  return table;
}

Result<nlohmann::json> MergeAttributes(const ProfileTable& table, const nlohmann::json& existing,
                                       const nlohmann::json& changes) {
  nlohmann::json merged = existing.is_object() ? existing : nlohmann::json::object();
  for (const auto& [name, value] : changes.items()) {
    if (table.Find(name) == nullptr)
      return Status::InvalidArgument(name + ": the table " + table.name + " has no such attribute");
    if (value.is_null()) {
      merged.erase(name);
    } else {
      merged[name] = value;
    }
  }
  for (const AttributeDef& def : table.attributes) {
    if (def.required && !merged.contains(def.name)) return Status::InvalidArgument(def.name + ": required");
  }
  return merged;
}

std::string IndexText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

}  // namespace herald::core
