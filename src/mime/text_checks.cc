#include "mime/text_checks.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace herald::mime {
namespace {

bool InRange(unsigned char c, unsigned char low, unsigned char high) { return c >= low && c <= high; }

// The offset of the first byte of `text` for which `stops` holds. With SSE2, `block_stops` first looks at
// sixteen bytes a step and gives the mask of those that stop (bit i for byte i).
template <typename BlockStops, typename ByteStops>
size_t FindFirst(std::string_view text, [[maybe_unused]] BlockStops block_stops, ByteStops stops) {
  size_t i = 0;
#if defined(__SSE2__)
  for (; text.size() - i >= 16; i += 16) {
    const unsigned mask = block_stops(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i)));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < text.size() && !stops(static_cast<unsigned char>(text[i]))) ++i;
  return i;
}

#if defined(__SSE2__)
__m128i Equal(__m128i block, char c) { return _mm_cmpeq_epi8(block, _mm_set1_epi8(c)); }
unsigned Mask(__m128i marked) { return static_cast<unsigned>(_mm_movemask_epi8(marked)); }
#define HERALD_BLOCK_STOPS(expression) [](__m128i block) -> unsigned { return expression; }
#else
#define HERALD_BLOCK_STOPS(expression) nullptr
#endif

}  // namespace

size_t FindNotPlainAscii(std::string_view text) {
  return FindFirst(
      text,
      HERALD_BLOCK_STOPS(Mask(_mm_or_si128(_mm_or_si128(block, Equal(block, 0)),
                                           _mm_or_si128(Equal(block, '\n'), Equal(block, '\r'))))),
      [](unsigned char c) { return c >= 0x80 || c == 0 || c == '\n' || c == '\r'; });
}

size_t FindNotAsciiOrNul(std::string_view text) {
  return FindFirst(text, HERALD_BLOCK_STOPS(Mask(_mm_or_si128(block, Equal(block, 0)))),
                   [](unsigned char c) { return c >= 0x80 || c == 0; });
}

size_t FindLineEnd(std::string_view text) {
  return FindFirst(text, HERALD_BLOCK_STOPS(Mask(_mm_or_si128(Equal(block, '\n'), Equal(block, '\r')))),
                   [](unsigned char c) { return c == '\n' || c == '\r'; });
}

size_t FindNotQuotedPrintableLiteral(std::string_view text) {
  // As signed bytes, those ≥ 0x80 are negative: "greater than 0x1f" leaves them out with the controls.
  return FindFirst(text,
                   HERALD_BLOCK_STOPS((~Mask(_mm_cmpgt_epi8(block, _mm_set1_epi8(0x1f))) & 0xffff) |
                                      Mask(_mm_or_si128(Equal(block, 0x7f), Equal(block, '=')))),
                   [](unsigned char c) { return c < 0x20 || c >= 0x7f || c == '='; });
}

#undef HERALD_BLOCK_STOPS

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
    i += FindNotAsciiOrNul(text.substr(i));
    if (i == text.size()) break;
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
