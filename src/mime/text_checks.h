// Byte-level checks on text that goes into a message header or body, with word-at-a-time helpers for
// the long scans (bodies, whole messages) on the hot path.
//
// Thread-safety: pure functions. Untrusted input: yes, any bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace herald::mime {

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF) without NUL.
bool IsValidUtf8(std::string_view text);

// The length (2–4) of the well-formed UTF-8 sequence that starts at text[at], a byte ≥ 0x80; 0 when
// there is none.
size_t Utf8SequenceLength(std::string_view text, size_t at);

// True when `text` holds a C0 control character other than TAB, or DEL (CR, LF and NUL included).
bool HasControlCharacter(std::string_view text);

bool IsAscii(std::string_view text);

// RFC 5322 atext: letters, digits and !#$%&'*+-/=?^_`{|}~.
bool IsAtext(unsigned char c);

// Eight bytes at a time: load them, then ask whether any is ≥ 0x80, NUL, or a given byte.
inline uint64_t LoadEight(const char* bytes) {
  uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}
inline constexpr uint64_t kEachByteOne = 0x0101010101010101ULL;
inline constexpr uint64_t kEachByteHigh = 0x8080808080808080ULL;
inline bool HasHighByte(uint64_t word) { return (word & kEachByteHigh) != 0; }
// Exact for any input: a borrow only propagates past a byte that was zero.
inline bool HasZeroByte(uint64_t word) { return ((word - kEachByteOne) & ~word & kEachByteHigh) != 0; }
inline bool HasByte(uint64_t word, unsigned char byte) { return HasZeroByte(word ^ (kEachByteOne * byte)); }

}  // namespace herald::mime
