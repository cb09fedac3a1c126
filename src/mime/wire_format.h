// The last check on built bytes before they leave the module: the shape SMTP and DKIM rely on.
//
// Thread-safety: pure function. Untrusted input: any bytes.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/status.h"

namespace herald::mime {

inline constexpr size_t kMaxLineBytes = 998;  // RFC 5322 §2.1.1, without the CRLF

// OK when every line of `wire` ends in CRLF (no bare CR or LF), holds at most 998 bytes before it, and
// every byte is 7-bit (NUL excluded) — except that with `utf8_headers` the header section may carry
// UTF-8 (RFC 6532). Internal otherwise, with the line number.
Status CheckWireFormat(std::string_view wire, bool utf8_headers);

}  // namespace herald::mime
