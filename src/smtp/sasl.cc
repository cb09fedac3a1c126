#include "smtp/sasl.h"

namespace herald::smtp {
namespace {

// The 6-bit value of a base64 character, or -1.
int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const size_t digits = last ? 4 - padding : 4;
    unsigned int group = 0;
    for (size_t k = 0; k < 4; ++k) {
      int value = k < digits ? Base64Value(text[i + k]) : 0;
      if (value < 0) {
        Wipe(out);
        return std::nullopt;
      }
      group = (group << 6) | static_cast<unsigned int>(value);
    }
    out += static_cast<char>((group >> 16) & 0xff);
    if (digits > 2) out += static_cast<char>((group >> 8) & 0xff);
    if (digits > 3) out += static_cast<char>(group & 0xff);
  }
  return out;
}

std::optional<PlainResponse> ParsePlainResponse(std::string_view decoded) {
  size_t first = decoded.find('\0');
  if (first == std::string_view::npos) return std::nullopt;
  size_t second = decoded.find('\0', first + 1);
  if (second == std::string_view::npos || decoded.find('\0', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  PlainResponse response;
  response.authzid = std::string(decoded.substr(0, first));
  response.authcid = std::string(decoded.substr(first + 1, second - first - 1));
  response.password = std::string(decoded.substr(second + 1));
  if (response.authcid.empty() || response.password.empty()) {
    Wipe(response.password);
    return std::nullopt;
  }
  return response;
}

void Wipe(std::string& secret) {
  volatile char* bytes = secret.data();
  for (size_t i = 0; i < secret.size(); ++i) bytes[i] = 0;
  secret.clear();
}

}  // namespace herald::smtp
