// Reading the body of POST /v1/messages into an intake::SendRequest (inline content) or, when it names
// a "campaign", an intake::TriggerRequest.
//
// Checks everything about the request's shape and values that needs no store: JSON syntax (400),
// unknown fields, types, required fields, addresses, lengths and headers (422, naming the field).
// `to` and `from` are "jane@example.com", "Jane <jane@example.com>" or {"email", "name"}, so that
// profile fields ({"email", "gsm", "attributes"}) can join later without breaking callers.
//
// Thread-safety: pure function. Untrusted input: the whole body.
#pragma once

#include <string_view>
#include <variant>

#include "api/api_error.h"
#include "intake/intake.h"

namespace herald::api {

std::variant<intake::SendRequest, ApiError> ParseSendRequest(const std::string& body, std::string account_id);

// A campaign trigger: {"campaign", "to": {"email", "name", "gsm", "attributes"}, "data",
// "attachments": [{"filename", "content_type", "content" (base64)}], "headers", "tags", "metadata",
// "idempotency_key"}. `body` is an object.
std::variant<intake::TriggerRequest, ApiError> ParseTriggerRequest(nlohmann::json body, std::string account_id);

// Either, by whether the body names a campaign.
using MessageRequest = std::variant<intake::SendRequest, intake::TriggerRequest, ApiError>;
MessageRequest ParseMessageRequest(const std::string& body, std::string account_id);
// The same for one already-parsed JSON value (an item of a batch).
MessageRequest ParseMessageValue(nlohmann::json body, std::string account_id);

}  // namespace herald::api
