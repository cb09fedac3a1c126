// Preparing bodies. A text body: UTF-8 checked and measured, and a 7-bit-clean transfer encoding chosen
// from what it holds, in one pass, since bodies are the bulk of every message; then its line ends made
// CRLF as it is written (7bit, base64; quoted_printable.h does its own). An attachment: its base64 lines
// as they go on the wire.
//
// Line ends: a body may end its lines with CRLF, LF or a lone CR; each counts as one line end, and each
// goes on the wire as CRLF. Base64 hides its line ends from the wire, so its text must hold the canonical
// CRLF before it is encoded (RFC 2046 §4.1.1); AppendWithCrlf does that too.
//
// Thread-safety: pure functions. Untrusted input: any bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mime/text_checks.h"
#include "mime/wire_format.h"  // kMaxLineBytes

namespace herald::mime {

// What a body holds, measured while its line ends are made uniform.
struct BodyStats {
  size_t bytes = 0;         // after NormalizeBody
  size_t eight_bit = 0;     // bytes ≥ 0x80
  size_t longest_line = 0;  // in bytes, without its line end
};

enum class TransferEncoding { k7Bit, kQuotedPrintable, kBase64 };

// Appends `bytes` in base64 (RFC 2045 §6.8) to `out`, in lines of 76 characters each ended by CRLF: a
// base64 body as it goes on the wire. Base64LinesSize(bytes.size()) characters.
void AppendBase64Lines(std::string_view bytes, std::string& out);
size_t Base64LinesSize(size_t bytes);

// The same lines from base64 text already encoded (an attachment as the API received it): `base64` cut
// every 76 characters. Base64TextLinesSize(base64.size()) characters.
void AppendBase64TextLines(std::string_view base64, std::string& out);
size_t Base64TextLinesSize(size_t characters);

// 7bit for ASCII whose lines fit in 998 bytes; otherwise quoted-printable while the 8-bit bytes are few
// enough for it to stay smaller than base64 (each costs "=XX", base64 costs a third more for every byte),
// and base64 beyond that (Cyrillic, CJK, …).
TransferEncoding ChooseTransferEncoding(const BodyStats& stats);

// Calls append(const char* data, size_t size) with pieces whose concatenation is `text` with every line
// end (CRLF, LF, or a lone CR) written as LF, and measures it. nullopt, after some calls perhaps, when
// `text` is not valid UTF-8 or holds NUL.
template <typename Append>
std::optional<BodyStats> NormalizeBody(std::string_view text, Append&& append) {
  BodyStats stats;
  const char* data = text.data();
  const size_t size = text.size();
  size_t line_start = 0;  // start of the current line within `text`
  size_t run_start = 0;   // first byte not yet passed to `append`
  size_t dropped = 0;     // CRs of CRLF pairs left out
  auto end_line = [&](size_t line_end) {
    if (line_end - line_start > stats.longest_line) stats.longest_line = line_end - line_start;
  };
  size_t i = 0;
  while (i < size) {
    i += FindNotPlainAscii(text.substr(i));  // most of a body is ASCII text without line ends
    if (i == size) break;
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c >= 0x80) {
      size_t length = Utf8SequenceLength(text, i);
      if (length == 0) return std::nullopt;
      stats.eight_bit += length;
      i += length;
    } else if (c == '\n') {
      end_line(i);
      line_start = ++i;
    } else if (c == '\r') {
      end_line(i);
      append(data + run_start, i - run_start);
      append("\n", 1);
      bool pair = i + 1 < size && data[i + 1] == '\n';
      dropped += pair ? 1 : 0;
      i += pair ? 2 : 1;
      run_start = line_start = i;
    } else if (c == 0) {
      return std::nullopt;
    } else {
      ++i;
    }
  }
  end_line(size);
  append(data + run_start, size - run_start);
  stats.bytes = size - dropped;
  return stats;
}

// Calls append(const char* data, size_t size) with `text` with every line end (CRLF, LF or a lone CR)
// written as CRLF.
template <typename Append>
void AppendWithCrlf(std::string_view text, Append&& append) {
  for (size_t end = FindLineEnd(text); end < text.size(); end = FindLineEnd(text)) {
    append(text.data(), end);
    append("\r\n", 2);
    text.remove_prefix(end + (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? 2 : 1));
  }
  append(text.data(), text.size());
}

}  // namespace herald::mime
