#include "tracking/token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace herald::tracking {
namespace {

constexpr size_t kMacBytes = 16;
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64Url(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(v >> shift) & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = at(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    const uint32_t v = (at(i) << 16) | (at(i + 1) << 8);
    for (int shift = 18; shift >= 6; shift -= 6) out += kAlphabet[(v >> shift) & 63];
  }
  return out;
}

std::optional<std::string> FromBase64Url(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const char* found = std::char_traits<char>::find(kAlphabet, 64, c);
    if (found == nullptr) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(found - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;  // canonical: unused bits are zero
  return out;
}

std::string Mac(const std::array<unsigned char, 32>& key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &size);
  return std::string(reinterpret_cast<const char*>(mac), kMacBytes);
}

}  // namespace

std::string TokenCodec::Make(const TokenContent& content) const {
  std::string data;
  data += content.kind == TokenKind::kOpen ? 'o' : 'c';
  data += content.message_id;
  data += '\0';
  data += content.url;
  return Base64Url(data + Mac(key_, data));
}

std::optional<TokenContent> TokenCodec::Read(std::string_view token) const {
  if (token.size() > kMaxTokenBytes) return std::nullopt;
  std::optional<std::string> raw = FromBase64Url(token);
  if (!raw || raw->size() < 2 + kMacBytes) return std::nullopt;
  std::string_view data(raw->data(), raw->size() - kMacBytes);
  const std::string expected = Mac(key_, data);
  if (CRYPTO_memcmp(expected.data(), raw->data() + data.size(), kMacBytes) != 0) return std::nullopt;
  const size_t nul = data.find('\0');
  if (nul == std::string_view::npos || (data[0] != 'o' && data[0] != 'c')) return std::nullopt;
  TokenContent content{data[0] == 'o' ? TokenKind::kOpen : TokenKind::kClick, std::string(data.substr(1, nul - 1)),
                       std::string(data.substr(nul + 1))};
  if (content.kind == TokenKind::kClick && content.url.empty()) return std::nullopt;
  return content;
}

}  // namespace herald::tracking
