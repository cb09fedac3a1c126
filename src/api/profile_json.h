// The JSON shapes of profile tables and profiles, and reading a table definition from a request
// (DESIGN §1, §2a).
//
// Thread-safety: pure functions. Untrusted input: ReadProfileTable reads a request body;
// ReadImportReport an answer (the CLI's).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <variant>

#include "api/api_error.h"
#include "core/profile.h"
#include "profiles/csv_import.h"

namespace herald::api {

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
