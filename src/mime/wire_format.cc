#include "mime/wire_format.h"

#include <cstring>

#include "mime/text_checks.h"

namespace herald::mime {
namespace {

Status Violation(size_t line, std::string_view problem) {
  return Status::Internal("built message line " + std::to_string(line) + " " + std::string(problem));
}

// Why `line` cannot go on the wire, or empty when it can.
std::string_view LineProblem(std::string_view line, bool allow_eight_bit) {
  if (line.size() > kMaxLineBytes) return "is longer than 998 bytes";
  size_t i = 0;
  for (; i + 8 <= line.size(); i += 8) {
    uint64_t word = LoadEight(line.data() + i);
    if ((!allow_eight_bit && HasHighByte(word)) || HasZeroByte(word) || HasByte(word, '\r')) break;
  }
  for (; i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == '\r') return "has a bare CR";
    if (c == 0) return "has a NUL byte";
    if (c >= 0x80 && !allow_eight_bit) return "has an 8-bit byte";
  }
  return {};
}

}  // namespace

Result<std::string> ToWire(std::string_view text, bool utf8_headers) {
  std::string wire;
  wire.reserve(text.size() + text.size() / 25 + 64);  // lines of 76 bytes or so gain 2 each
  bool in_headers = true;
  size_t line_number = 1;
  size_t start = 0;
  while (start < text.size()) {
    const void* found = std::memchr(text.data() + start, '\n', text.size() - start);
    if (found == nullptr) return Violation(line_number, "does not end in a line end");
    size_t lf = static_cast<size_t>(static_cast<const char*>(found) - text.data());
    std::string_view line = text.substr(start, lf - start);
    if (line.empty()) in_headers = false;
    std::string_view problem = LineProblem(line, utf8_headers && in_headers);
    if (!problem.empty()) return Violation(line_number, problem);
    wire.append(line);
    wire.append("\r\n", 2);
    start = lf + 1;
    ++line_number;
  }
  return wire;
}

}  // namespace herald::mime
