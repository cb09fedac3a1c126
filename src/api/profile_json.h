// The JSON shapes of profile tables and profiles, and reading a table definition from a request
// (DESIGN §1, §2a).
//
// Thread-safety: pure functions. Untrusted input: ReadProfileTable reads a request body;
// ReadImportReport an answer (the CLI's).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "api/api_error.h"
#include "core/profile.h"
#include "profiles/csv_import.h"

namespace herald::api {

// Typed definitions (a profile table's attributes, an interaction table's columns) as the API shows
// them: [{"name", "type", "unique", "required"}], with "values" for an enum.
nlohmann::json AttributeDefsJson(const std::vector<core::AttributeDef>& defs);
// The member `list` of `body` ("attributes", "columns"), an array of {"name", "type", "unique",
// "required", "values"}; none when absent. The error names the field ("columns[2].type").
std::variant<std::vector<core::AttributeDef>, ApiError> ReadAttributeDefs(const nlohmann::json& body,
                                                                          const std::string& list);
// A definition core refused (InvalidArgument "<field>: <why>") as 422 invalid_value naming the field.
ApiError InvalidDefinition(const Status& status);

nlohmann::json ProfileTableJson(const core::ProfileTable& table);
nlohmann::json ProfileJson(const core::ProfileTable& table, const core::Profile& profile);

// {"name", "kind", "key", "attributes": [{"name", "type", "unique", "required", "values"}]} → the
// table as created (core::MakeProfileTable), or the error naming the field.
std::variant<core::ProfileTable, ApiError> ReadProfileTable(const nlohmann::json& body);

// A CSV import's answer: {"rows", "created", "updated", "failed", "errors": [{"row", "code", "field"
// (null when none), "message"}]}; and back (nullopt when `body` is not of that shape).
nlohmann::json ImportReportJson(const profiles::ImportReport& report);
std::optional<profiles::ImportReport> ReadImportReport(const nlohmann::json& body);

}  // namespace herald::api
