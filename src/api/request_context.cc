#include "api/request_context.h"

#include "base/json_parse.h"
#include "base/time_format.h"

#include <charconv>

namespace herald::api {

using boost::beast::http::status;

std::variant<Principal, ApiError> Authorize(ApiContext& context, const http::Request& request, core::Scope scope) {
  auto header = request.find(boost::beast::http::field::authorization);
  std::string_view value = header == request.end() ? std::string_view() : header->value();
  auto principal = context.authenticator.Authenticate(value);
  if (!principal.ok()) {
    if (principal.status().code() != Code::kUnauthenticated) return FromStatus(principal.status());
    return ApiError{status::unauthorized, "unauthenticated", "a valid API key is required", ""};
  }
  if (scope == core::Scope::kAdmin && principal->scope != core::Scope::kAdmin)
    return ApiError{status::forbidden, "forbidden", "this API key lacks the admin scope", ""};
  return std::move(*principal);
}

std::variant<http::QueryParams, ApiError> ReadQuery(const http::Request& request) {
  auto query = http::ParseQuery(http::TargetQuery(request.target()));
  if (!query.ok()) return ApiError{status::bad_request, "invalid_query", query.status().message(), ""};
  return std::move(*query);
}

std::optional<TimePoint> ParseDateOrTime(std::string_view text) {
  if (text.size() == 10) return ParseRfc3339(std::string(text) + "T00:00:00Z");
  return ParseRfc3339(text);
}

std::variant<PageRequest, ApiError> ReadPage(const http::QueryParams& query) {
  PageRequest page;
  if (auto limit = query.Get("limit")) {
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), page.limit);
    if (ec != std::errc() || end != limit->data() + limit->size() || page.limit < 1 || page.limit > 1000)
      return ApiError::Invalid("invalid_value", "limit is an integer from 1 to 1000", "limit");
  }
  if (auto cursor = query.Get("cursor")) page.cursor = std::string(*cursor);
  return page;
}

nlohmann::json CursorJson(const std::string& next_cursor) {
  return next_cursor.empty() ? nlohmann::json(nullptr) : nlohmann::json(next_cursor);
}

std::optional<ApiError> CheckObjectFields(const nlohmann::json& body, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : body.items()) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || k == key;
    if (!ok) return ApiError::Invalid("unknown_field", "unknown field " + key, key);
  }
  return std::nullopt;
}

std::variant<nlohmann::json, ApiError> ParseJsonObject(const std::string& text) {
  std::optional<nlohmann::json> body = ParseJson(text);
  if (!body) return ApiError{status::bad_request, "invalid_json", "the body is not valid JSON", ""};
  if (!body->is_object()) return ApiError{status::bad_request, "invalid_json", "the body must be a JSON object", ""};
  return std::move(*body);
}

std::variant<nlohmann::json, ApiError> ReadJsonObject(const http::Request& request) {
  if (request.body().empty()) return nlohmann::json::object();
  return ParseJsonObject(request.body());
}

}  // namespace herald::api
