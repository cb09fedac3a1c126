#include "api/webhook_request.h"

#include "api/request_context.h"
#include "base/printable.h"
#include "base/time_format.h"
#include "webhooks/signature.h"
#include "webhooks/url.h"

namespace herald::api {
namespace {

using nlohmann::json;

json OptionalTime(const std::optional<TimePoint>& at) { return at ? json(FormatRfc3339(*at)) : json(nullptr); }

std::optional<ApiError> ReadUrl(const json& value, std::string& out) {
  if (!value.is_string()) return ApiError::Invalid("invalid_type", "url must be a string", "url");
  Result<webhooks::WebhookUrl> url = webhooks::ParseWebhookUrl(value.get<std::string>());
  if (!url.ok()) return ApiError::Invalid("invalid_url", url.status().message(), "url");
  out = value.get<std::string>();
  return std::nullopt;
}

std::optional<ApiError> ReadEvents(const json& value, core::WebhookEventFilter& out) {
  if (!value.is_array() || value.empty())
    return ApiError::Invalid("invalid_value", "events must be a non-empty array of event types, or [\"*\"]", "events");
  core::WebhookEventFilter filter;
  for (const json& item : value) {
    if (!item.is_string()) return ApiError::Invalid("invalid_type", "events must be an array of strings", "events");
    const std::string& name = item.get_ref<const std::string&>();
    if (name == "*") {
      filter.all = true;
      continue;
    }
    std::optional<core::EventType> type = core::ParseEventType(name);
    if (!type) {
      return ApiError::Invalid("unknown_event_type", "unknown event type " + Printable(name, 64), "events");
    }
    if (!filter.Matches(*type)) filter.types.push_back(*type);
  }
  if (filter.all) {
    if (value.size() > 1) return ApiError::Invalid("invalid_value", "\"*\" stands alone in events", "events");
    filter.types.clear();
  }
  out = std::move(filter);
  return std::nullopt;
}

std::optional<ApiError> ReadSecret(const json& value, std::string& out) {
  if (!value.is_string()) return ApiError::Invalid("invalid_type", "secret must be a string", "secret");
  if (std::optional<std::string> why = webhooks::CheckWebhookSecret(value.get<std::string>()))
    return ApiError::Invalid("invalid_secret", *why, "secret");
  out = value.get<std::string>();
  return std::nullopt;
}

std::optional<ApiError> ReadEnabled(const json& value, bool& out) {
  if (!value.is_boolean()) return ApiError::Invalid("invalid_type", "enabled must be true or false", "enabled");
  out = value.get<bool>();
  return std::nullopt;
}

}  // namespace

std::optional<ApiError> ReadWebhookCreate(const json& body, webhooks::WebhookSettings& settings) {
  if (auto error = CheckObjectFields(body, {"url", "events", "secret", "enabled"})) return error;
  for (const char* required : {"url", "events"}) {
    if (!body.contains(required))
      return ApiError::Invalid("missing_field", std::string(required) + " is required", required);
  }
  if (auto error = ReadUrl(body.at("url"), settings.url)) return error;
  if (auto error = ReadEvents(body.at("events"), settings.events)) return error;
  if (auto it = body.find("secret"); it != body.end()) {
    std::string secret;
    if (auto error = ReadSecret(*it, secret)) return error;
    settings.secret = std::move(secret);
  }
  if (auto it = body.find("enabled"); it != body.end()) {
    if (auto error = ReadEnabled(*it, settings.enabled)) return error;
  }
  return std::nullopt;
}

std::optional<ApiError> ReadWebhookPatch(const json& body, webhooks::WebhookChange& change) {
  if (auto error = CheckObjectFields(body, {"url", "events", "secret", "enabled"})) return error;
  if (auto it = body.find("url"); it != body.end()) {
    std::string url;
    if (auto error = ReadUrl(*it, url)) return error;
    change.url = std::move(url);
  }
  if (auto it = body.find("events"); it != body.end()) {
    core::WebhookEventFilter events;
    if (auto error = ReadEvents(*it, events)) return error;
    change.events = std::move(events);
  }
  if (auto it = body.find("secret"); it != body.end()) {
    std::string secret;
    if (auto error = ReadSecret(*it, secret)) return error;
    change.secret = std::move(secret);
  }
  if (auto it = body.find("enabled"); it != body.end()) {
    bool enabled = true;
    if (auto error = ReadEnabled(*it, enabled)) return error;
    change.enabled = enabled;
  }
  return std::nullopt;
}

json WebhookJson(const core::Webhook& w, const std::vector<core::AccountEvent>* history) {
  json out = {{"id", w.id},
              {"url", w.url},
              {"events", w.events.Names()},
              {"enabled", w.enabled},
              {"status", w.enabled ? "active" : "disabled"},
              {"failing_since", OptionalTime(w.failing_since)},
              {"disabled_at", OptionalTime(w.disabled_at)},
              {"created_at", FormatRfc3339(w.created_at)},
              {"updated_at", FormatRfc3339(w.updated_at)}};
  if (history != nullptr) {
    json list = json::array();
    for (const core::AccountEvent& e : *history) {
      json item = e.details;
      item["type"] = e.type;
      item["at"] = FormatRfc3339(e.at);
      list.push_back(std::move(item));
    }
    out["history"] = std::move(list);
  }
  return out;
}

json WebhookAttemptJson(const storage::WebhookAttempt& a) {
  return {{"id", std::to_string(a.id)},
          {"event_id", "evt_" + std::to_string(a.event_id)},
          {"event_type", core::ToString(a.event_type)},
          {"message_id", a.message_id},
          {"attempt", a.attempt},
          {"at", FormatRfc3339(a.at)},
          {"outcome", storage::ToString(a.outcome)},
          {"http_status", a.http_status > 0 ? json(a.http_status) : json(nullptr)},
          {"error", a.error.empty() ? json(nullptr) : json(a.error)},
          {"duration_ms", a.duration.count()},
          {"next_attempt_at", OptionalTime(a.next_attempt_at)}};
}

}  // namespace herald::api
