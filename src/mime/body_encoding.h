// Preparing a text body for the wire: line ends made canonical (CRLF) and a 7-bit-clean transfer
// encoding chosen from what the text holds.
//
// Thread-safety: pure functions. Untrusted input: any bytes (validity of the UTF-8 is checked elsewhere).
#pragma once

#include <cstddef>
#include <string_view>

#include "mime/wire_format.h"

namespace herald::mime {

// What a body holds, measured while it is made canonical.
struct BodyStats {
  size_t bytes = 0;         // after canonicalisation
  size_t eight_bit = 0;     // bytes ≥ 0x80
  size_t longest_line = 0;  // in bytes, without its CRLF
};

enum class TransferEncoding { k7Bit, kQuotedPrintable, kBase64 };

// 7bit for ASCII whose lines fit in 998 bytes; otherwise quoted-printable while the 8-bit bytes are few
// enough for it to stay smaller than base64 (each costs "=XX", base64 costs a third more for every byte),
// and base64 beyond that (Cyrillic, CJK, …).
TransferEncoding ChooseTransferEncoding(const BodyStats& stats);

// Calls append(const char* data, size_t size) with `text` in pieces whose concatenation is `text` with
// every line end (CRLF, LF, or a lone CR) written as CRLF. MIME text must be canonical before it is
// encoded (RFC 2046 §4.1.1); a bare CR or LF would otherwise reach the wire or hide inside base64.
template <typename Append>
BodyStats CanonicalizeLineEnds(std::string_view text, Append&& append) {
  BodyStats stats;
  size_t line_start = 0;  // start of the current line within `text`
  size_t run_start = 0;   // first byte not yet passed to `append`
  const size_t size = text.size();
  auto end_line = [&](size_t line_end) {
    size_t length = line_end - line_start;
    if (length > stats.longest_line) stats.longest_line = length;
  };
  for (size_t i = 0; i < size; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      ++stats.eight_bit;
    } else if (c == '\n' || c == '\r') {
      end_line(i);
      bool crlf = c == '\r' && i + 1 < size && text[i + 1] == '\n';
      if (crlf) {
        ++i;  // already canonical: keep it in the run
      } else {
        append(text.data() + run_start, i - run_start);
        append("\r\n", 2);
        run_start = i + 1;
        stats.bytes += 1;  // one byte became two
      }
      line_start = i + 1;
    }
  }
  end_line(size);
  append(text.data() + run_start, size - run_start);
  stats.bytes += size;
  return stats;
}

}  // namespace herald::mime
