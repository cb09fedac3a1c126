#include "base/base64.h"

#include <openssl/evp.h>

#include <array>

namespace herald {
namespace {

constexpr uint8_t kInvalid = 0xff;

// The value of each base64 character; kInvalid for any other byte (the padding '=' included).
constexpr std::array<uint8_t, 256> MakeDecodeTable() {
  std::array<uint8_t, 256> table{};
  table.fill(kInvalid);
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (uint8_t i = 0; i < 64; ++i) table[static_cast<uint8_t>(alphabet[i])] = i;
  return table;
}

constexpr std::array<uint8_t, 256> kDecode = MakeDecodeTable();

size_t PaddingOf(std::string_view text) { return text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0; }

// The last group with padding: its characters base64 and the bits the padding stands for zero.
bool IsCanonicalPaddedGroup(const unsigned char* in, size_t padding) {
  const uint8_t a = kDecode[in[0]], b = kDecode[in[1]];
  const uint8_t c = padding == 1 ? kDecode[in[2]] : 0;
  if (((a | b | c) & 0xc0) != 0) return false;
  return padding == 2 ? (b & 0x0f) == 0 : (c & 0x03) == 0;
}

bool IsAlphabet(unsigned char c) {
  return static_cast<unsigned char>(c - 'A') < 26 || static_cast<unsigned char>(c - 'a') < 26 ||
         static_cast<unsigned char>(c - '0') < 10 || c == '+' || c == '/';
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return Status::InvalidArgument("base64 text is not a multiple of 4 characters");
  if (text.empty()) return std::string();
  const size_t padding = PaddingOf(text);
  std::string out;
  out.resize(text.size() / 4 * 3 - padding);
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const size_t full = text.size() / 4 - (padding > 0 ? 1 : 0);  // groups without padding
  char* o = out.data();
  for (size_t g = 0; g < full; ++g, in += 4) {
    const uint8_t a = kDecode[in[0]], b = kDecode[in[1]], c = kDecode[in[2]], d = kDecode[in[3]];
    if (((a | b | c | d) & 0xc0) != 0) return Status::InvalidArgument("not base64");  // kInvalid has them set
    const uint32_t v = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6) | d;
    *o++ = static_cast<char>(v >> 16);
    *o++ = static_cast<char>(v >> 8);
    *o++ = static_cast<char>(v);
  }
  if (padding > 0) {
    if (!IsCanonicalPaddedGroup(in, padding)) return Status::InvalidArgument("not canonical base64");
    const uint8_t a = kDecode[in[0]], b = kDecode[in[1]], c = padding == 1 ? kDecode[in[2]] : 0;
    *o++ = static_cast<char>((a << 2) | (b >> 4));
    if (padding == 1) *o++ = static_cast<char>(((b & 0x0f) << 4) | (c >> 2));
  }
  return out;
}

bool IsCanonicalBase64(std::string_view text) {
  if (text.size() % 4 != 0) return false;
  const size_t padding = PaddingOf(text);
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const size_t plain = text.size() - (padding > 0 ? 4 : 0);  // characters before a padded last group
  size_t at = 0;
  constexpr size_t kBlock = 64;  // a fixed inner count, so that the compiler vectorises the comparisons
  for (; at + kBlock <= plain; at += kBlock) {
    unsigned char outside = 0;  // branch-free, or it is not vectorised
    for (size_t i = 0; i < kBlock; ++i) outside |= !IsAlphabet(in[at + i]);
    if (outside) return false;
  }
  for (; at < plain; ++at) {
    if (!IsAlphabet(in[at])) return false;
  }
  return padding == 0 || IsCanonicalPaddedGroup(in + plain, padding);
}

size_t Base64DecodedSize(std::string_view text) { return text.size() / 4 * 3 - PaddingOf(text); }

std::optional<CanonicalBase64> CanonicalBase64::Check(std::string text) {
  if (!IsCanonicalBase64(text)) return std::nullopt;
  return CanonicalBase64(std::move(text));
}

}  // namespace herald
