// Base64 (RFC 4648 §4, the standard alphabet, with padding): OpenSSL's encoder; a strict table decoder.
//
// Thread-safety: pure functions. Untrusted input: Base64Decode refuses anything but canonical
// padded base64 without whitespace.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace herald {

std::string Base64Encode(std::string_view bytes);
// InvalidArgument for text that is not canonical padded base64.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace herald
