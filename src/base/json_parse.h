// ParseJson: a JSON text into an nlohmann::json value, parsed by simdjson.
//
// Request bodies can be large (a trigger with base64 attachments is hundreds of kilobytes): simdjson
// parses and validates them an order of magnitude faster than nlohmann's character-at-a-time lexer,
// and the value is then built once. What is accepted is the same: RFC 8259 JSON in valid UTF-8;
// a repeated member name keeps its last value, as nlohmann's parser does.
//
// A text whose string has SIMDJSON_PADDING (64) bytes of capacity past its end is parsed where it lies (an
// HTTP request's body has them: http::kBodyPadding); any other is copied into a padded buffer first.
//
// Thread-safety: may be called concurrently (each call has its own parser).
// Untrusted input: yes; nesting is bounded (kMaxJsonDepth), anything else malformed is nullopt.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace herald {

inline constexpr size_t kMaxJsonDepth = 256;

std::optional<nlohmann::json> ParseJson(const std::string& text);

}  // namespace herald
