// Webhooks in the API: reading the bodies of POST and PATCH /v1/webhooks, and the JSON shapes of a
// webhook and of its delivery log.
//
// Reading checks everything that needs no store, naming the field at fault (422):
//   url      an https:// or http:// URL (webhooks/url.h; invalid_url) — required on POST
//   events   a non-empty array of event type names (unknown_event_type names the first unknown one),
//            or ["*"] for every type; duplicates are dropped, order kept — required on POST
//   secret   24..256 printable ASCII characters (invalid_secret); on POST, generated when absent
//   enabled  a boolean (POST: default true)
// Unknown members are refused (unknown_field); a member of the wrong type is invalid_type.
//
// Thread-safety: pure functions. Untrusted input: the whole body; text from it is cleaned and cut
// before it appears in an error message.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "api/api_error.h"
#include "core/sending_domain.h"
#include "core/webhook.h"
#include "storage/webhook_records.h"
#include "webhooks/service.h"

namespace herald::api {

std::optional<ApiError> ReadWebhookCreate(const nlohmann::json& body, webhooks::WebhookSettings& settings);
std::optional<ApiError> ReadWebhookPatch(const nlohmann::json& body, webhooks::WebhookChange& change);

// {"id", "url", "events", "enabled", "status" ("active" | "disabled"), "failing_since", "disabled_at",
//  "created_at", "updated_at"} and, when given, "history": the webhook's account events, newest first.
// Never the secret.
nlohmann::json WebhookJson(const core::Webhook& webhook, const std::vector<core::AccountEvent>* history = nullptr);

// {"id", "event_id", "event_type", "message_id", "attempt", "at", "outcome", "http_status", "error",
//  "duration_ms", "next_attempt_at"}
nlohmann::json WebhookAttemptJson(const storage::WebhookAttempt& attempt);

}  // namespace herald::api
