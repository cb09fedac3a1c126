#include "webhooks/url.h"

#include <boost/asio/ip/address.hpp>
#include <charconv>

#include "base/ascii.h"

namespace herald::webhooks {
namespace {

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiLowerChar(c);
  return out;
}

// A character RFC 3986 allows in a path or query (unreserved, sub-delims, ':', '@', '/', '?', '%').
bool IsTargetChar(char c) {
  if (IsAlnum(c)) return true;
  switch (c) {
    case '-': case '.': case '_': case '~':
    case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',': case ';': case '=':
    case ':': case '@': case '/': case '?': case '%':
      return true;
    default:
      return false;
  }
}

// A DNS name of LDH labels: 1..63 characters each, no hyphen at either end, 253 in all.
bool IsDnsName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('.', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view label = name.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!IsAlnum(c) && c != '-') return false;
    }
    start = end + 1;
  }
  return true;
}

Status Invalid(std::string_view why) { return Status::InvalidArgument("url " + std::string(why)); }

}  // namespace

std::string WebhookUrl::HostHeader() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) out += ":" + std::to_string(port);
  return out;
}

Result<WebhookUrl> ParseWebhookUrl(std::string_view text) {
  if (text.empty()) return Invalid("is empty");
  if (text.size() > kMaxUrlBytes) return Invalid("is longer than " + std::to_string(kMaxUrlBytes) + " bytes");
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) return Invalid("must be printable ASCII without spaces");
  }
  WebhookUrl url;
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return Invalid("must start with https:// or http://");
  const std::string scheme = Lowercase(text.substr(0, scheme_end));
  if (scheme == "https") {
    url.tls = true;
  } else if (scheme != "http") {
    return Invalid("must start with https:// or http://");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) return Invalid("must not have a fragment (#)");
  const size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return Invalid("must not contain a user name or password");
  if (authority.empty()) return Invalid("has no host");

  std::string_view host = authority;
  std::string_view port_text;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid("has an unclosed [ in its host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Invalid("has text after its IPv6 address");
      port_text = after.substr(1);
    }
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address_v6(std::string(host), ec);
    if (ec || host.find('%') != std::string_view::npos) return Invalid("has a malformed IPv6 address");
    url.host = address.to_string();
    url.host_is_address = true;
  } else {
    const size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port_text = authority.substr(colon + 1);
    }
    url.host = Lowercase(host);
    boost::system::error_code ec;
    const auto v4 = boost::asio::ip::make_address_v4(url.host, ec);
    if (!ec) {
      url.host = v4.to_string();
      url.host_is_address = true;
    } else {
      if (!IsDnsName(url.host)) return Invalid("has a host that is not a domain name or an IP address");
      // All-numeric labels at the end ("10.1", "1.2.3.4.5") are not names anyone can register.
      const size_t last_dot = url.host.rfind('.');
      const std::string_view last = std::string_view(url.host).substr(last_dot == std::string::npos ? 0 : last_dot + 1);
      if (last.find_first_not_of("0123456789") == std::string_view::npos)
        return Invalid("has a host that is not a domain name or an IP address");
    }
  }
  url.port = url.tls ? 443 : 80;
  if (authority.back() == ':' && port_text.empty()) return Invalid("has an empty port");
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535 ||
        port_text.size() > 5)
      return Invalid("has a port that is not 1..65535");
    url.port = static_cast<uint16_t>(port);
  }

  for (size_t i = 0; i < target.size(); ++i) {
    const char c = target[i];
    if (!IsTargetChar(c)) return Invalid("has a character that must be percent-encoded: " + std::string(1, c));
    if (c == '%' && (i + 2 >= target.size() || !IsHex(target[i + 1]) || !IsHex(target[i + 2])))
      return Invalid("has a % that does not start an escape such as %20");
  }
  url.target = target.empty() ? "/" : std::string(target);
  if (url.target.front() == '?') url.target.insert(0, "/");
  return url;
}

}  // namespace herald::webhooks
