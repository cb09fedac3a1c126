// The shape of a message on the wire that SMTP and DKIM rely on (kMaxLineBytes), and ToWire: text with LF
// line ends made into wire bytes and checked for that shape. (BuildMessage writes CRLF and keeps to the
// shape by construction; it does not call ToWire.)
//
// Thread-safety: pure function. Untrusted input: any bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"

namespace herald::mime {

inline constexpr size_t kMaxLineBytes = 998;  // RFC 5322 §2.1.1, without the CRLF

// `text` with every LF written as CRLF, after checking that every line holds at most 998 bytes, no CR,
// no NUL and no byte ≥ 0x80 — except that with `utf8_headers` the header section (up to the first empty
// line) may carry UTF-8 (RFC 6532) — and that the last line is ended. Internal otherwise, naming the
// line: every such case is a bug in the builder, not bad input. One pass, one copy.
Result<std::string> ToWire(std::string_view text, bool utf8_headers);

}  // namespace herald::mime
