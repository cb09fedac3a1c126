#include "core/address.h"

namespace herald::core {
namespace {

constexpr size_t kMaxLocal = 64;
constexpr size_t kMaxDomain = 255;
constexpr size_t kMaxAddress = 254;
constexpr size_t kMaxLabel = 63;
constexpr size_t kMaxDisplayName = 256;

bool IsAtext(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '/': case '=': case '?': case '^': case '_': case '`': case '{': case '|': case '}': case '~':
      return true;
    default:
      return c >= 0x80;  // UTF-8 (RFC 6531); validity is checked separately
  }
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t length = c < 0x80 ? 1 : (c >= 0xc2 && c <= 0xdf) ? 2 : (c >= 0xe0 && c <= 0xef) ? 3
                                  : (c >= 0xf0 && c <= 0xf4) ? 4 : 0;
    if (length == 0 || i + length > s.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

bool HasNonAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return true;
  }
  return false;
}

bool IsDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '.') {
      if (s[i - 1] == '.') return false;
    } else if (!IsAtext(c)) {
      return false;
    }
  }
  return true;
}

// RFC 5321 Quoted-string: DQUOTE *(qtext / "\" printable) DQUOTE.
bool IsQuotedString(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\\') {
      if (++i + 1 >= s.size()) return false;
      unsigned char escaped = static_cast<unsigned char>(s[i]);
      if (escaped < 0x20 || escaped == 0x7f) return false;
    } else if (c == '"' || c < 0x20 || c == 0x7f) {
      return false;
    }
  }
  return true;
}

bool IsDomain(std::string_view s) {
  if (s.empty() || s.size() > kMaxDomain) return false;
  size_t labels = 0;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > kMaxLabel || label.front() == '-' || label.back() == '-') return false;
    for (unsigned char c : label) {
      bool ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ldh && c < 0x80) return false;
    }
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels >= 2;
}

}  // namespace

Result<EmailAddress> ParseAddrSpec(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("address is empty");
  if (text.size() > kMaxAddress) return Status::InvalidArgument("address is longer than 254 bytes");
  if (!IsValidUtf8(text)) return Status::InvalidArgument("address is not valid UTF-8");
  size_t at = text.rfind('@');
  if (at == std::string_view::npos) return Status::InvalidArgument("address has no '@'");
  std::string_view local = text.substr(0, at);
  std::string_view domain = text.substr(at + 1);
  if (local.empty()) return Status::InvalidArgument("address has an empty local part");
  if (local.size() > kMaxLocal) return Status::InvalidArgument("local part is longer than 64 bytes");
  if (!IsDotAtom(local) && !IsQuotedString(local))
    return Status::InvalidArgument("local part has characters that need quoting");
  if (!IsDomain(domain)) return Status::InvalidArgument("domain is not a valid host name");
  EmailAddress address;
  address.local = std::string(local);
  address.domain = std::string(domain);
  address.needs_smtputf8 = HasNonAscii(text);
  return address;
}

Status ValidateDisplayName(std::string_view name) {
  if (name.size() > kMaxDisplayName) return Status::InvalidArgument("name is longer than 256 bytes");
  if (!IsValidUtf8(name)) return Status::InvalidArgument("name is not valid UTF-8");
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return Status::InvalidArgument("name has control characters");
  }
  return Status::Ok();
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string DomainOf(std::string_view addr_spec) {
  const size_t at = addr_spec.rfind('@');
  return at == std::string_view::npos ? std::string() : AsciiLower(addr_spec.substr(at + 1));
}

}  // namespace herald::core
