// Byte-level checks on text that goes into a message header or body, with the scans that pass over
// long plain stretches (bodies, whole messages) sixteen bytes a step.
//
// Thread-safety: pure functions. Untrusted input: yes, any bytes.
#pragma once

#include <cstddef>
#include <string_view>

namespace herald::mime {

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF) without NUL.
bool IsValidUtf8(std::string_view text);

// The length (2–4) of the well-formed UTF-8 sequence that starts at text[at], a byte ≥ 0x80; 0 when
// there is none.
size_t Utf8SequenceLength(std::string_view text, size_t at);

// True when `text` holds a C0 control character other than TAB, or DEL (CR, LF and NUL included).
bool HasControlCharacter(std::string_view text);

bool IsAscii(std::string_view text);

// RFC 5322 atext: letters, digits and !#$%&'*+-/=?^_`{|}~.
bool IsAtext(unsigned char c);

// Each of these gives the offset of the first byte in `text` that a scan must stop at, or text.size()
// when there is none. With SSE2 they look at sixteen bytes a step, one at a time otherwise.
size_t FindNotPlainAscii(std::string_view text);  // ≥ 0x80, NUL, CR or LF
size_t FindNotAsciiOrNul(std::string_view text);  // ≥ 0x80 or NUL
size_t FindLineEnd(std::string_view text);        // CR or LF
// Below 0x20, DEL, ≥ 0x80 or '=': what quoted-printable does not write as it is.
size_t FindNotQuotedPrintableLiteral(std::string_view text);

}  // namespace herald::mime
