#include "mime/submitted_message_fields.h"

#include <cstring>

namespace herald::mime {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }

// RFC 5322 ftext: printable ASCII but ':'.
bool IsFieldNameChar(unsigned char c) { return c >= 33 && c <= 126 && c != ':'; }

Status LineError(size_t line, std::string_view problem) {
  return Status::InvalidArgument("header line " + std::to_string(line) + " " + std::string(problem));
}

bool Contains(std::string_view text, char c) { return std::memchr(text.data(), c, text.size()) != nullptr; }

}  // namespace

Result<RawHeaderSection> ScanHeaderSection(std::string_view raw, size_t max_bytes) {
  RawHeaderSection section;
  size_t at = 0;
  size_t line_number = 0;
  while (at < raw.size()) {
    if (raw.compare(at, 2, "\r\n") == 0) {  // the empty line: the body follows
      section.end = at;
      return section;
    }
    ++line_number;
    const char* lf = static_cast<const char*>(std::memchr(raw.data() + at, '\n', raw.size() - at));
    size_t line_end = raw.size();  // the offset of the line's CR, or the end of an unended line
    size_t next = raw.size();
    if (lf != nullptr) {
      size_t lf_at = static_cast<size_t>(lf - raw.data());
      if (lf_at == at || raw[lf_at - 1] != '\r') return LineError(line_number, "ends in a bare LF");
      line_end = lf_at - 1;
      next = lf_at + 1;
    } else {
      section.last_line_unended = true;
    }
    if (next > max_bytes) {
      return Status::InvalidArgument("the header section is larger than " + std::to_string(max_bytes) +
                                     " bytes");
    }
    std::string_view line = raw.substr(at, line_end - at);
    if (Contains(line, '\r')) return LineError(line_number, "has a bare CR");
    if (Contains(line, '\0')) return LineError(line_number, "has a NUL byte");

    if (IsWsp(line.front())) {
      if (section.fields.empty()) return LineError(line_number, "is folded but no field precedes it");
      RawField& field = section.fields.back();
      field.value = raw.substr(field.value.data() - raw.data(), line_end - (field.value.data() - raw.data()));
      field.end = next;
    } else {
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) return LineError(line_number, "has no colon");
      std::string_view name = line.substr(0, colon);
      while (!name.empty() && IsWsp(name.back())) name.remove_suffix(1);  // obs-optional (RFC 5322 §4.5)
      if (name.empty()) return LineError(line_number, "has an empty field name");
      for (unsigned char c : name) {
        if (!IsFieldNameChar(c))
          return LineError(line_number, "has a field name that is not printable ASCII");
      }
      section.fields.push_back({name, line.substr(colon + 1), at, next});
    }
    at = next;
  }
  section.end = raw.size();
  return section;
}

std::string UnfoldValue(std::string_view value) {
  std::string unfolded;
  unfolded.reserve(value.size());
  size_t at = 0;
  while (at < value.size()) {
    size_t crlf = value.find("\r\n", at);
    if (crlf == std::string_view::npos) crlf = value.size();
    unfolded.append(value.substr(at, crlf - at));
    at = crlf + 2;
  }
  size_t first = 0;
  while (first < unfolded.size() && IsWsp(unfolded[first])) ++first;
  size_t last = unfolded.size();
  while (last > first && IsWsp(unfolded[last - 1])) --last;
  return unfolded.substr(first, last - first);
}

}  // namespace herald::mime
