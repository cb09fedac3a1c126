// Helpers shared by the route handlers: who is calling, with what rights, and reading list
// parameters (limit, cursor).
//
// Thread-safety: pure functions over their arguments. Untrusted input: the request.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "api/api.h"
#include "api/api_error.h"
#include "http/query.h"

namespace herald::api {

// The caller, if its key is valid and has `scope` (admin includes send).
std::variant<Principal, ApiError> Authorize(ApiContext& context, const http::Request& request, core::Scope scope);

struct PageRequest {
  int limit = 50;
  std::string cursor;
};

// A page's "next_cursor": the cursor, or null on the last page.
nlohmann::json CursorJson(const std::string& next_cursor);

// Reads limit (1..1000, default 50) and cursor from the query, with the other parameters.
std::variant<PageRequest, ApiError> ReadPage(const http::QueryParams& query);
std::variant<http::QueryParams, ApiError> ReadQuery(const http::Request& request);
// A query's date ("YYYY-MM-DD": that day's start, UTC) or RFC 3339 time; nullopt for anything else.
std::optional<TimePoint> ParseDateOrTime(std::string_view text);

// 422 unknown_field for any member of `body` not in `known`; 400 if `body` is not an object.
std::optional<ApiError> CheckObjectFields(const nlohmann::json& body, std::initializer_list<std::string_view> known);
// Parses a JSON object body (400 invalid_json otherwise); an empty body is an empty object.
std::variant<nlohmann::json, ApiError> ReadJsonObject(const http::Request& request);
// Parses JSON text that must be an object (400 invalid_json otherwise), with simdjson (base/json_parse.h).
std::variant<nlohmann::json, ApiError> ParseJsonObject(const std::string& text);

}  // namespace herald::api
