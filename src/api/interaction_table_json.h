// The JSON shapes of interaction tables, rows and row events, and reading a table definition and a
// row write from a request (DESIGN §1, §2a).
//
// Thread-safety: pure functions. Untrusted input: the Read functions read request bodies.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "api/api_error.h"
#include "core/interaction_table.h"

namespace herald::api {

nlohmann::json InteractionTableJson(const core::InteractionTable& table);
nlohmann::json RowJson(const core::InteractionTable& table, const core::Row& row);
// {"id", "type", "table", "row_id", "profile_id", "at"} and the event's details ("values" or "changed").
nlohmann::json RowEventJson(const core::InteractionTable& table, const core::RowEvent& event);

// {"name", "profile_table", "key", "columns": [{"name", "type", "required", "values"}]} → the
// definition as given, its profile table named but not yet found: core::MakeInteractionTable checks
// it once the route has found the profile table. The error names the field.
std::variant<core::InteractionTable, ApiError> ReadInteractionTable(const nlohmann::json& body);

// A row write: {"profile": "<profile key>", "values": {...}} to create one, {"values": {...}} to
// change one. `values` is an object (empty when absent); it is not made canonical here.
struct RowRequest {
  std::string profile;  // the creation's profile key
  nlohmann::json values = nlohmann::json::object();
};
std::variant<RowRequest, ApiError> ReadRowRequest(const nlohmann::json& body, bool create);

}  // namespace herald::api
