// Base64 (RFC 4648 §4, padded) as DKIM writes its binary values: bh=, b= and a key record's p=.
//
// Thread-safety: pure functions.
// Untrusted input: Base64Decode takes any text and refuses what is not strict base64.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace herald::dkim {

std::string Base64Encode(std::string_view bytes);

// The bytes `text` encodes, or nullopt when it is not padded base64 (whitespace included: callers remove
// folding first, see WithoutWhitespace in tag_list.h). "" decodes to "".
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace herald::dkim
