// Reading the body of POST /v1/messages into an intake::SendRequest.
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

std::variant<intake::SendRequest, ApiError> ParseSendRequest(std::string_view body, std::string account_id);

}  // namespace herald::api
