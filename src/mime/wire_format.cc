#include "mime/wire_format.h"

#include <string>

namespace herald::mime {
namespace {

Status Violation(size_t line, std::string_view problem) {
  return Status::Internal("built message line " + std::to_string(line) + " " + std::string(problem));
}

}  // namespace

Status CheckWireFormat(std::string_view wire, bool utf8_headers) {
  bool in_headers = true;
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < wire.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(wire[i]);
    if (c == '\r') {
      if (i + 1 >= wire.size() || wire[i + 1] != '\n') return Violation(line, "has a bare CR");
      if (i - line_start > kMaxLineBytes) return Violation(line, "is longer than 998 bytes");
      if (i == line_start) in_headers = false;
      ++i;
      ++line;
      line_start = i + 1;
    } else if (c == '\n') {
      return Violation(line, "has a bare LF");
    } else if (c == 0) {
      return Violation(line, "has a NUL byte");
    } else if (c >= 0x80 && !(utf8_headers && in_headers)) {
      return Violation(line, "has an 8-bit byte");
    }
  }
  if (line_start != wire.size()) return Violation(line, "does not end in CRLF");
  return Status::Ok();
}

}  // namespace herald::mime
