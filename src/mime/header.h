// Header fields that callers add to the messages Herald builds (X-Order-Id, List-Unsubscribe, …), and
// the rules that keep them from forging or breaking what Herald writes itself.
//
// Thread-safety: values and pure functions.
// Untrusted input: yes. ValidateHeader is the gate for caller-supplied names and values; it refuses
// header injection (CR, LF, NUL), names Herald owns, and anything that would not fit on the wire.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "mime/wire_format.h"

namespace herald::mime {

struct Header {
  std::string name;   // "X-Order-Id"
  std::string value;  // UTF-8, unfolded; encoded as RFC 2047 words on the wire when not ASCII
};

inline constexpr size_t kMaxHeaderNameBytes = 76;    // "Name: " still leaves room on a 78-column line
inline constexpr size_t kMaxHeaderValueBytes = 998;  // RFC 5322's line limit, before folding

// OK when `header` may be added to a message: the name is 1–76 RFC 5322 field-name characters (printable
// ASCII but ':') and not one Herald sets or a relay adds (From, To, Cc, Bcc, Subject, Date, Message-ID,
// MIME-Version, Content-*, Return-Path, Received, DKIM-Signature, Sender, Reply-To, Resent-*, ARC-*, …);
// the value is valid UTF-8 of at most 998 bytes without CR, LF, NUL or other control characters (TAB
// is allowed), and "Name: value" fits on one 998-byte line, so that no folding can produce a longer one
// (ASCII values are written as given, never as encoded words, to keep List-Unsubscribe and other
// structured fields intact). Otherwise InvalidArgument naming the problem.
Status ValidateHeader(const Header& header);

// True when `name` (any case) is a field Herald writes itself or that only relays may add.
bool IsReservedHeaderName(std::string_view name);

// What follows "Name:" on the wire for an ASCII value: " value" CRLF, folded (CRLF) before whitespace so
// that lines stay within 78 bytes where the words allow; long words stay whole, so with ValidateHeader's
// limit no line passes 998. A fold never leaves a line of whitespace only. `value` must have passed
// ValidateHeader.
std::string FoldAsciiValue(std::string_view name, std::string_view value);

}  // namespace herald::mime
