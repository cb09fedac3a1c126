#include "api/interaction_table_json.h"

#include "api/profile_json.h"
#include "api/request_context.h"
#include "base/time_format.h"

namespace herald::api {
namespace {

using nlohmann::json;

// The string member `field` of `body` into `out` (left as it is when absent).
std::optional<ApiError> ReadString(const json& body, const std::string& field, std::string& out) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return ApiError::Invalid("invalid_type", field + " must be a string", field);
  out = it->get<std::string>();
  return std::nullopt;
}

}  // namespace

json InteractionTableJson(const core::InteractionTable& table) {
  return {{"id", table.id},
          {"name", table.name},
          {"profile_table", table.profile_table},
          {"key", table.key.empty() ? json(nullptr) : json(table.key)},
          {"columns", AttributeDefsJson(table.columns)},
          {"created_at", FormatRfc3339(table.created_at)}};
}

json RowJson(const core::InteractionTable& table, const core::Row& row) {
  return {{"id", row.id},
          {"table", table.name},
          {"profile_id", row.profile_id},
          {"values", row.values},
          {"created_at", FormatRfc3339(row.created_at)},
          {"updated_at", FormatRfc3339(row.updated_at)}};
}

json RowEventJson(const core::InteractionTable& table, const core::RowEvent& event) {
  json out = {{"id", std::to_string(event.id)},
              {"type", core::ToString(event.type)},
              {"table", table.name},
              {"row_id", event.row_id},
              {"profile_id", event.profile_id},
              {"at", FormatRfc3339(event.at)}};
  for (const auto& [name, value] : event.details.items()) out[name] = value;
  return out;
}

std::variant<core::InteractionTable, ApiError> ReadInteractionTable(const json& body) {
  if (auto error = CheckObjectFields(body, {"name", "profile_table", "key", "columns"})) return *error;
  core::InteractionTable table;
  for (auto [field, out] :
       {std::pair{"name", &table.name}, {"profile_table", &table.profile_table}, {"key", &table.key}}) {
    if (auto error = ReadString(body, field, *out)) return *error;
  }
  if (table.name.empty()) return ApiError::Invalid("missing_field", "name is required", "name");
  if (table.profile_table.empty())
    return ApiError::Invalid("missing_field", "profile_table is required", "profile_table");
  auto columns = ReadAttributeDefs(body, "columns");
  if (auto* error = std::get_if<ApiError>(&columns)) return *error;
  table.columns = std::get<std::vector<core::AttributeDef>>(std::move(columns));
  return table;
}

std::variant<RowRequest, ApiError> ReadRowRequest(const json& body, bool create) {
  RowRequest request;
  if (auto error =
          create ? CheckObjectFields(body, {"profile", "values"}) : CheckObjectFields(body, {"values"}))
    return *error;
  if (create) {
    if (auto error = ReadString(body, "profile", request.profile)) return *error;
    if (request.profile.empty())
      return ApiError::Invalid("missing_field", "profile is required: the key of the row's profile",
                               "profile");
  }
  if (auto values = body.find("values"); values != body.end()) {
    if (!values->is_object()) return ApiError::Invalid("invalid_type", "values must be an object", "values");
    request.values = *values;
  } else if (!create) {
    return ApiError::Invalid("missing_field", "values is required", "values");
  }
  return request;
}

}  // namespace herald::api
