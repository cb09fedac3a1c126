#include "base/printable.h"

namespace herald {
namespace {

// Length of the valid UTF-8 sequence starting at `s[i]`, or 0 if it is not one.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t length;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) length = 2;
  else if (c >= 0xe0 && c <= 0xef) length = 3;
  else if (c >= 0xf0 && c <= 0xf4) length = 4;
  else return 0;
  if (i + length > s.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  }
  return length;
}

}  // namespace

std::string Printable(std::string_view text, size_t max_bytes) {
  std::string out;
  out.reserve(text.size() < max_bytes ? text.size() : max_bytes);
  for (size_t i = 0; i < text.size();) {
    size_t length = Utf8SequenceLength(text, i);
    if (out.size() + (length ? length : 1) > max_bytes) {
      // Make room for the mark within the limit, removing whole characters only.
      constexpr std::string_view kEllipsis = "\xe2\x80\xa6";  // …
      if (max_bytes < kEllipsis.size()) return out;
      while (!out.empty() && out.size() + kEllipsis.size() > max_bytes) {
        size_t last = out.size() - 1;  // the start of the last character
        while (last > 0 && (static_cast<unsigned char>(out[last]) & 0xc0) == 0x80) --last;
        out.resize(last);
      }
      out += kEllipsis;
      break;
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (length == 0 || (length == 1 && (c < 0x20 || c == 0x7f))) {
      out += '?';
      i += 1;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

}  // namespace herald
