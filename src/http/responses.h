// Building responses: the JSON error shape used across the API ({"error": {"code", "message",
// "field"?}}, DESIGN §2a) and JSON bodies.
//
// Thread-safety: pure functions. Untrusted input: `message` and `field` may carry peer text; they
// are JSON-escaped (invalid UTF-8 replaced), never thrown on. Keep messages shown to peers bland
// (STYLE habit 3) and put the detail in the log.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on
#include <boost/beast/http/status.hpp>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "http/message.h"

namespace herald::http {

inline constexpr std::string_view kJsonContentType = "application/json";

// A JSON error response; `field` is included only when not empty. Content-Length is set.
Response ErrorResponse(boost::beast::http::status status, std::string_view code, std::string_view message,
                       std::string_view field = {}, unsigned version = 11, bool keep_alive = true);

// A JSON response answering `request` (same HTTP version, keep-alive as the request asked). For a
// status that carries no body (1xx, 204, 304) the body is left out.
Response JsonResponse(boost::beast::http::status status, const nlohmann::json& body, const Request& request);

// The body as compact JSON text; invalid UTF-8 in strings is replaced rather than thrown on.
std::string DumpJson(const nlohmann::json& body);

// False for 1xx, 204 and 304, whose responses never carry a body (RFC 9110 §6.4.1).
bool StatusAllowsBody(boost::beast::http::status status);

}  // namespace herald::http
