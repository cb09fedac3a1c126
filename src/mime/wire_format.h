// The shape of a message on the wire that SMTP and DKIM rely on: lines of at most 998 bytes.
//
// Thread-safety: constants only.
#pragma once

#include <cstddef>

namespace herald::mime {

inline constexpr size_t kMaxLineBytes = 998;  // RFC 5322 §2.1.1, without the CRLF

}  // namespace herald::mime
