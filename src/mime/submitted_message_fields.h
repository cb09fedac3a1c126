// The header section of a submitted message as raw fields with their byte ranges, so that
// PrepareSubmittedMessage (submitted_message.h, which states the rules) can remove fields and append
// new ones without touching any other byte. Internal to the mime module; here to be tested.
//
// Thread-safety: pure functions. Untrusted input: yes, any bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace herald::mime {

struct RawField {
  std::string_view name;   // as written, without the spaces that may precede the colon
  std::string_view value;  // everything after the colon up to the field's last line end, folds included
  size_t begin = 0;        // the offset of the field's first byte
  size_t end = 0;          // the offset just past its last line end (CRLF)
};

struct RawHeaderSection {
  std::vector<RawField> fields;  // in order
  // Where the header section ends: the offset of the empty line's CR, or the input's size when the
  // message has no body. Everything from here on is the body, with the line that separates it.
  size_t end = 0;
  bool last_line_unended = false;  // no body, and the last line has no CRLF
};

// InvalidArgument, naming the line (counted from 1), for a bare CR or LF, a NUL, a line that is not a
// field ("Name: value") or a continuation, a folded first line, or a section larger than `max_bytes`.
Result<RawHeaderSection> ScanHeaderSection(std::string_view raw, size_t max_bytes);

// `value` unfolded (every CRLF removed; RFC 5322 §2.2.3) and trimmed of spaces and tabs at both ends.
std::string UnfoldValue(std::string_view value);

}  // namespace herald::mime
