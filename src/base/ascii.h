// ASCII case, as protocol and markup names use it (HTML tag and attribute names, URL schemes): no
// locale is consulted, and bytes outside A–Z are compared as they are.
//
// Thread-safety: pure functions. Untrusted input: any bytes.
#pragma once

#include <algorithm>
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

}  // namespace herald
