#include "core/verp.h"

#include <algorithm>

#include "base/ascii.h"

namespace herald::core {
namespace {

constexpr std::string_view kIdPrefix = "msg_";
constexpr size_t kTokenLength = 26;

// Crockford base32 as ids use it (base/random.h): digits and letters without i, l, o, u.
bool IsTokenChar(char c) {
  c = AsciiLowerChar(c);
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z' && c != 'i' && c != 'l' && c != 'o' && c != 'u');
}

bool IsToken(std::string_view token) {
  return token.size() == kTokenLength && std::all_of(token.begin(), token.end(), IsTokenChar);
}

}  // namespace

std::optional<std::string> VerpAddress(std::string_view message_id, std::string_view domain) {
  if (!message_id.starts_with(kIdPrefix) || !IsToken(message_id.substr(kIdPrefix.size()))) return std::nullopt;
  std::string address(kVerpLocalPrefix);
  for (char c : message_id.substr(kIdPrefix.size())) address += AsciiLowerChar(c);
  address += '@';
  address += domain;
  return address;
}

std::optional<std::string> ParseVerpAddress(std::string_view address, std::string_view domain) {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || !EqualsIgnoreCase(address.substr(at + 1), domain)) return std::nullopt;
  std::string_view local = address.substr(0, at);
  if (!EqualsIgnoreCase(local.substr(0, kVerpLocalPrefix.size()), kVerpLocalPrefix)) return std::nullopt;
  std::string_view token = local.substr(kVerpLocalPrefix.size());
  if (!IsToken(token)) return std::nullopt;
  std::string id(kIdPrefix);
  for (char c : token) id += AsciiLowerChar(c);
  return id;
}

}  // namespace herald::core
