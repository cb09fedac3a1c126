// ASCII case, as protocol and markup names use it (HTML tag and attribute names, URL schemes): no
// locale is consulted, and bytes outside A–Z are compared as they are.
//
// Thread-safety: pure functions. Untrusted input: any bytes.
#pragma once

#include <algorithm>
#include <cstring>
#include <string_view>

namespace herald {

constexpr char AsciiLowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return AsciiLowerChar(x) == AsciiLowerChar(y); });
}

inline bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

// The offset of the first occurrence of `needle` in `text` at or after `from`, or npos. A first
// character without case (the '<' of a tag) is found with memchr, so a page is scanned from one to the
// next rather than byte by byte.
inline size_t FindIgnoreCase(std::string_view text, std::string_view needle, size_t from = 0) {
  if (needle.empty()) return from <= text.size() ? from : std::string_view::npos;
  const char first = AsciiLowerChar(needle.front());
  const bool caseless = first < 'a' || first > 'z';
  for (size_t i = from; i + needle.size() <= text.size(); ++i) {
    if (caseless) {
      const void* hit = std::memchr(text.data() + i, first, text.size() - needle.size() + 1 - i);
      if (hit == nullptr) break;
      i = static_cast<size_t>(static_cast<const char*>(hit) - text.data());
    } else if (AsciiLowerChar(text[i]) != first) {
      continue;
    }
    if (StartsWithIgnoreCase(text.substr(i + 1), needle.substr(1))) return i;
  }
  return std::string_view::npos;
}

}  // namespace herald
