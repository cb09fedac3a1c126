// Base64 (RFC 4648 §4, the standard alphabet, with padding): OpenSSL's encoder; a strict table decoder.
//
// Thread-safety: pure functions. Untrusted input: Base64Decode and IsCanonicalBase64 refuse anything but
// canonical padded base64 without whitespace (the padding's bits zero), so text and bytes correspond one
// to one: canonical text can be passed on as it is, as the encoding of the bytes it stands for.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace herald {

std::string Base64Encode(std::string_view bytes);
// InvalidArgument for text that is not canonical padded base64.
Result<std::string> Base64Decode(std::string_view text);

// What Base64Decode accepts, checked without decoding (several times faster: a pass of comparisons
// the compiler turns into vector instructions).
bool IsCanonicalBase64(std::string_view text);
// The number of bytes canonical base64 `text` stands for.
size_t Base64DecodedSize(std::string_view text);

}  // namespace herald
