#include "api/profile_json.h"

#include "api/request_context.h"
#include "base/time_format.h"

namespace herald::api {
namespace {

using nlohmann::json;

ApiError WrongType(std::string field, std::string what) {
  return ApiError::Invalid("invalid_type", field + " must be " + what, field);
}

std::variant<core::AttributeDef, ApiError> ReadAttribute(const json& item, const std::string& field) {
  if (!item.is_object()) return WrongType(field, "an object");
  if (auto error = CheckObjectFields(item, {"name", "type", "unique", "required", "values"})) {
    error->field = field + "." + error->field;
    return *error;
  }
  core::AttributeDef def;
  auto name = item.find("name");
  auto type = item.find("type");
  if (name == item.end() || type == item.end())
    return ApiError::Invalid("missing_field", "an attribute needs a name and a type", field);
  if (!name->is_string()) return WrongType(field + ".name", "a string");
  def.name = name->get<std::string>();
  std::optional<core::AttributeType> parsed = type->is_string() ? core::ParseAttributeType(type->get<std::string>())
                                                                : std::nullopt;
  if (!parsed) {
    return ApiError::Invalid("invalid_value",
                             "type is one of string, integer, decimal, boolean, date, datetime, email, phone, enum",
                             field + ".type");
  }
  def.type = *parsed;
  for (auto [flag, out] : {std::pair{"unique", &def.unique}, {"required", &def.required}}) {
    auto it = item.find(flag);
    if (it == item.end()) continue;
    if (!it->is_boolean()) return WrongType(field + "." + flag, "true or false");
    *out = it->get<bool>();
  }
  if (auto values = item.find("values"); values != item.end()) {
    if (!values->is_array()) return WrongType(field + ".values", "an array of strings");
    for (const json& v : *values) {
      if (!v.is_string()) return WrongType(field + ".values", "an array of strings");
      def.values.push_back(v.get<std::string>());
    }
  }
  return def;
}

}  // namespace

json AttributeDefsJson(const std::vector<core::AttributeDef>& defs) {
  json out = json::array();
  for (const core::AttributeDef& def : defs) {
    json item = {{"name", def.name}, {"type", core::ToString(def.type)}, {"unique", def.unique}, {"required", def.required}};
    if (def.type == core::AttributeType::kEnum) item["values"] = def.values;
    out.push_back(std::move(item));
  }
  return out;
}

std::variant<std::vector<core::AttributeDef>, ApiError> ReadAttributeDefs(const json& body, const std::string& list) {
  std::vector<core::AttributeDef> defs;
  auto items = body.find(list);
  if (items == body.end()) return defs;
  if (!items->is_array()) return WrongType(list, "an array");
  for (size_t i = 0; i < items->size(); ++i) {
    auto def = ReadAttribute((*items)[i], list + "[" + std::to_string(i) + "]");
    if (auto* error = std::get_if<ApiError>(&def)) return *error;
    defs.push_back(std::get<core::AttributeDef>(std::move(def)));
  }
  return defs;
}

ApiError InvalidDefinition(const Status& status) {
  const std::string& message = status.message();  // "<field>: <why>"
  return ApiError::Invalid("invalid_value", message, message.substr(0, message.find(':')));
}

json ProfileTableJson(const core::ProfileTable& table) {
  return {{"id", table.id},
          {"name", table.name},
          {"kind", core::ToString(table.kind)},
          {"key", table.key.empty() ? json(nullptr) : json(table.key)},
          {"attributes", AttributeDefsJson(table.attributes)},
          {"created_at", FormatRfc3339(table.created_at)}};
}

json ProfileJson(const core::ProfileTable& table, const core::Profile& profile) {
  json out = {{"id", profile.id},
              {"attributes", profile.attributes},
              {"created_at", FormatRfc3339(profile.created_at)},
              {"updated_at", FormatRfc3339(profile.updated_at)}};
  if (table.kind == core::ProfileTableKind::kCustom) out["key"] = profile.key;
  return out;
}

std::variant<core::ProfileTable, ApiError> ReadProfileTable(const json& body) {
  if (auto error = CheckObjectFields(body, {"name", "kind", "key", "attributes"})) return *error;
  core::ProfileTable table;
  auto name = body.find("name");
  if (name == body.end()) return ApiError::Invalid("missing_field", "name is required", "name");
  if (!name->is_string()) return WrongType("name", "a string");
  table.name = name->get<std::string>();
  if (auto kind = body.find("kind"); kind != body.end()) {
    std::optional<core::ProfileTableKind> parsed =
        kind->is_string() ? core::ParseProfileTableKind(kind->get<std::string>()) : std::nullopt;
    if (!parsed) return ApiError::Invalid("invalid_value", "kind is transactional or custom", "kind");
    table.kind = *parsed;
  }
  if (auto key = body.find("key"); key != body.end() && !key->is_null()) {
    if (!key->is_string()) return WrongType("key", "a string");
    table.key = key->get<std::string>();
  }
  auto attributes = ReadAttributeDefs(body, "attributes");
  if (auto* error = std::get_if<ApiError>(&attributes)) return *error;
  table.attributes = std::get<std::vector<core::AttributeDef>>(std::move(attributes));
  Result<core::ProfileTable> made = core::MakeProfileTable(std::move(table));
  if (!made.ok()) return InvalidDefinition(made.status());
  return std::move(*made);
}

json ImportReportJson(const profiles::ImportReport& report) {
  json errors = json::array();
  for (const profiles::ImportError& e : report.errors) {
    errors.push_back({{"row", e.row},
                      {"code", e.code},
                      {"field", e.field.empty() ? json(nullptr) : json(e.field)},
                      {"message", e.message}});
  }
  return {{"rows", report.rows},
          {"created", report.created},
          {"updated", report.updated},
          {"failed", report.failed},
          {"errors", std::move(errors)}};
}

std::optional<profiles::ImportReport> ReadImportReport(const json& body) {
  if (!body.is_object()) return std::nullopt;
  profiles::ImportReport report;
  for (auto [name, out] : {std::pair{"rows", &report.rows}, {"created", &report.created},
                           {"updated", &report.updated}, {"failed", &report.failed}}) {
    auto it = body.find(name);
    if (it == body.end() || !it->is_number_unsigned()) return std::nullopt;
    *out = it->get<uint64_t>();
  }
  auto errors = body.find("errors");
  if (errors == body.end() || !errors->is_array()) return std::nullopt;
  for (const json& e : *errors) {
    if (!e.is_object() || !e.value("row", json()).is_number_unsigned() || !e.value("code", json()).is_string() ||
        !e.value("message", json()).is_string()) {
      return std::nullopt;
    }
    const json field = e.value("field", json());
    report.errors.push_back({e["row"].get<uint64_t>(), e["code"].get<std::string>(),
                             field.is_string() ? field.get<std::string>() : "", e["message"].get<std::string>()});
  }
  return report;
}

}  // namespace herald::api
