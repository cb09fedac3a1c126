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

std::string_view ToString(AttributeType type) { return NameOf(kTypes, type); }
std::optional<AttributeType> ParseAttributeType(std::string_view text) { return ValueOf(kTypes, text); }
std::string_view ToString(ProfileTableKind kind) { return NameOf(kKinds, kind); }
std::optional<ProfileTableKind> ParseProfileTableKind(std::string_view text) { return ValueOf(kKinds, text); }

bool IsTableName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxNameBytes && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Status CheckAttributeDefs(const std::vector<AttributeDef>& defs, std::string_view list) {
  const std::string at = std::string(list) + ": ";
  if (defs.size() > kMaxAttributes) return Status::InvalidArgument(at + "at most " + std::to_string(kMaxAttributes));
  std::set<std::string> names;
  for (const AttributeDef& def : defs) {
    if (!IsAttributeName(def.name))
      return Status::InvalidArgument(at + "\"" + def.name + "\" is not a valid name (1-64 of A-Z a-z 0-9 _)");
    if (!names.insert(def.name).second) return Status::InvalidArgument(at + def.name + " is defined twice");
    if (def.type == AttributeType::kEnum && (def.values.empty() || def.values.size() > kMaxEnumValues))
      return Status::InvalidArgument(at + "enum " + def.name + " needs 1 to 1000 values");
    if (def.type != AttributeType::kEnum && !def.values.empty())
      return Status::InvalidArgument(at + "values are for enum types only (" + def.name + ")");
  }
  return Status::Ok();
}

const AttributeDef* FindAttributeDef(const std::vector<AttributeDef>& defs, std::string_view name) {
  for (const AttributeDef& def : defs) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

const AttributeDef* ProfileTable::Find(std::string_view attribute) const {
  return FindAttributeDef(attributes, attribute);
}

Result<ProfileTable> MakeProfileTable(ProfileTable table) {
  if (!IsTableName(table.name))
    return Status::InvalidArgument("name: a table name is 1-64 of a-z 0-9 _ -");
  HERALD_RETURN_IF_ERROR(CheckAttributeDefs(table.attributes, "attributes"));
  if (table.kind == ProfileTableKind::kTransactional) {
    if (table.Find(kEmailAttribute) != nullptr || table.Find(kGsmAttribute) != nullptr)
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

Result<nlohmann::json> MergeValues(const std::vector<AttributeDef>& defs, std::string_view table_name,
                                   std::string_view noun, const nlohmann::json& existing,
                                   const nlohmann::json& changes) {
  nlohmann::json merged = existing.is_object() ? existing : nlohmann::json::object();
  for (const auto& [name, value] : changes.items()) {
    if (FindAttributeDef(defs, name) == nullptr)
      return Status::InvalidArgument(name + ": the table " + std::string(table_name) + " has no such " + std::string(noun));
    if (value.is_null()) {
      merged.erase(name);
    } else {
      merged[name] = value;
    }
  }
  for (const AttributeDef& def : defs) {
    if (def.required && !merged.contains(def.name)) return Status::InvalidArgument(def.name + ": required");
  }
  return merged;
}

Result<nlohmann::json> MergeAttributes(const ProfileTable& table, const nlohmann::json& existing,
                                       const nlohmann::json& changes) {
  return MergeValues(table.attributes, table.name, "attribute", existing, changes);
}

std::string IndexText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

}  // namespace herald::core
