// Quoted-printable (RFC 2045 §6.7) for the text parts BuildMessage writes: the body as it goes on the wire.
//
// Thread-safety: pure function. Untrusted input: any bytes (NUL and invalid UTF-8 are encoded like any
// other byte); the output is always 7-bit with lines of at most 76 characters.
#pragma once

#include <string>
#include <string_view>

namespace herald::mime {

inline constexpr size_t kMaxQuotedPrintableLine = 76;  // RFC 2045 §6.7 (5), without the CRLF

// Appends `text` quoted-printable encoded to `out`. Every line end in `text` (CRLF, LF or a lone CR)
// becomes a hard CRLF line break; longer lines are cut by soft breaks ("=" CRLF) so that no line passes
// 76 characters. Printable ASCII is written as it is but for '=', and so are space and tab except before
// a line break; everything else is written "=XX". An unended last line ends in a soft break, so that
// decoding gives `text` back exactly (with CRLF line ends) and the output always ends with CRLF unless
// `text` is empty.
void AppendQuotedPrintable(std::string_view text, std::string& out);

}  // namespace herald::mime
