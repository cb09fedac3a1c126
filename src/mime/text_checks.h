// Byte-level checks on text that goes into a message header or body.
//
// Thread-safety: pure functions. Untrusted input: yes, any bytes.
#pragma once

#include <string_view>

namespace herald::mime {

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF) without NUL.
bool IsValidUtf8(std::string_view text);

// True when `text` holds a C0 control character other than TAB, or DEL (CR, LF and NUL included).
bool HasControlCharacter(std::string_view text);

bool IsAscii(std::string_view text);

// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// ASCII case-insensitive prefix test.
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);

}  // namespace herald::mime
