#include "core/interaction_table.h"

#include <algorithm>

#include "core/enum_names.h"

namespace herald::core {
namespace {

using nlohmann::json;

constexpr EnumNames<RowEventType, 2> kEventTypes = {{
    {RowEventType::kCreated, "row.created"},
    {RowEventType::kUpdated, "row.updated"},
}};

json ValueOrNull(const json& values, const std::string& column) {
  auto it = values.find(column);
  return it == values.end() ? json(nullptr) : *it;
}

}  // namespace

std::string_view ToString(RowEventType type) { return NameOf(kEventTypes, type); }
std::optional<RowEventType> ParseRowEventType(std::string_view text) { return ValueOf(kEventTypes, text); }

Result<InteractionTable> MakeInteractionTable(InteractionTable table) {
  if (!IsTableName(table.name)) return Status::InvalidArgument("name: a table name is 1-64 of a-z 0-9 _ -");
  if (table.profile_table.empty() || table.profile_table_id.empty())
    return Status::InvalidArgument("profile_table: an interaction table is linked to a profile table");
  HERALD_RETURN_IF_ERROR(CheckAttributeDefs(table.columns, "columns"));
  for (const AttributeDef& def : table.columns) {
    if (def.unique && def.name != table.key)
      return Status::InvalidArgument("columns: only the key column is unique (" + def.name + ")");
  }
  if (table.key.empty()) return table;
  auto key = std::find_if(table.columns.begin(), table.columns.end(),
                          [&](const AttributeDef& def) { return def.name == table.key; });
  if (key == table.columns.end())
    return Status::InvalidArgument("key: the key names one of the table's columns");
  if (key->type == AttributeType::kBoolean) return Status::InvalidArgument("key: a boolean cannot be a key");
  key->unique = key->required = true;
  return table;
}

Result<json> MergeRowValues(const InteractionTable& table, const json& existing, const json& changes) {
  return MergeValues(table.columns, table.name, "column", existing, changes);
}

json ChangedColumns(const json& before, const json& after) {
  json changed = json::object();
  for (const json* side : {&before, &after}) {
    for (const auto& [column, unused] : side->items()) {
      if (changed.contains(column)) continue;
      json old_value = ValueOrNull(before, column);
      json new_value = ValueOrNull(after, column);
      if (old_value != new_value)
        changed[column] = {{"old", std::move(old_value)}, {"new", std::move(new_value)}};
    }
  }
  return changed;
}

json CreatedDetails(const Row& row) { return {{"values", row.values}}; }

std::optional<json> UpdatedDetails(const json& before, const json& after) {
  json changed = ChangedColumns(before, after);
  if (changed.empty()) return std::nullopt;
  return json{{"changed", std::move(changed)}};
}

}  // namespace herald::core
