#include "mime/text_checks.h"

namespace herald::mime {
namespace {

bool InRange(unsigned char c, unsigned char low, unsigned char high) { return c >= low && c <= high; }

}  // namespace

size_t Utf8SequenceLength(std::string_view text, size_t at) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  size_t length = InRange(lead, 0xc2, 0xdf)   ? 2
                  : InRange(lead, 0xe0, 0xef) ? 3
                  : InRange(lead, 0xf0, 0xf4) ? 4
                                              : 0;
  if (length == 0 || at + length > text.size()) return 0;
  // The second byte's range excludes overlong forms (E0, F0), surrogates (ED) and code points past
  // U+10FFFF (F4); the later bytes are plain continuation bytes.
  unsigned char low = lead == 0xe0 ? 0xa0 : lead == 0xf0 ? 0x90 : 0x80;
  unsigned char high = lead == 0xed ? 0x9f : lead == 0xf4 ? 0x8f : 0xbf;
  if (!InRange(byte(at + 1), low, high)) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (!InRange(byte(at + i), 0x80, 0xbf)) return 0;
  }
  return length;
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size()) {
      uint64_t word = LoadEight(text.data() + i);
      if (!HasHighByte(word) && !HasZeroByte(word)) {
        i += 8;
        continue;
      }
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

bool HasControlCharacter(std::string_view text) {
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

bool IsAscii(std::string_view text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

bool IsAtext(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace herald::mime
