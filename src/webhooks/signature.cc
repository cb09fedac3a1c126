#include "webhooks/signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

#include "base/random.h"

namespace herald::webhooks {

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), mac, &length) == nullptr) {
    std::abort();  // OpenSSL cannot compute SHA-256: a broken installation
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kDigits[mac[i] >> 4]);
    hex.push_back(kDigits[mac[i] & 0xf]);
  }
  return hex;
}

std::string SignatureValue(std::string_view secret, int64_t unix_seconds, std::string_view body) {
  const std::string t = std::to_string(unix_seconds);
  std::string signed_text;
  signed_text.reserve(t.size() + 1 + body.size());
  signed_text.append(t).append(".").append(body);
  return "t=" + t + ",v1=" + HmacSha256Hex(secret, signed_text);
}

std::string NewWebhookSecret() { return NewSecret("whsec_"); }

std::optional<std::string> CheckWebhookSecret(std::string_view secret) {
  if (secret.size() < kMinSecretBytes || secret.size() > kMaxSecretBytes) {
    return "secret must be " + std::to_string(kMinSecretBytes) + " to " + std::to_string(kMaxSecretBytes) +
           " characters";
  }
  for (char c : secret) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) return "secret must be printable ASCII without spaces";
  }
  return std::nullopt;
}

}  // namespace herald::webhooks
