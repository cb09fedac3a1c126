// WebhookUrl: where a webhook's deliveries go — an http:// or https:// URL, read strictly.
//
// Accepted: "http" or "https" (any case), "://", a host — a DNS name in ASCII (an internationalised
// name in its xn-- form), a dotted IPv4 address or a bracketed IPv6 address — an optional port
// 1..65535, then an optional path and query of printable ASCII in which every '%' starts an escape
// (%XX). Refused, with a message fit to show the caller: anything longer than kMaxUrlBytes, user
// information ("user:password@": credentials do not belong in a URL that is stored and shown), a
// fragment, spaces, control characters and the characters RFC 3986 never allows unescaped.
//
// Whether the host may be reached (a private or loopback address) is not this file's question: see
// address_policy.h, asked again at each connection since names can change what they resolve to.
//
// Thread-safety: pure functions. Untrusted input: yes, any bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace herald::webhooks {

inline constexpr size_t kMaxUrlBytes = 2000;

struct WebhookUrl {
  bool tls = false;     // https
  std::string host;     // lowercase; an IPv6 address without its brackets
  uint16_t port = 0;    // 80 or 443 unless given
  std::string target;   // path and query, "/" when the URL has neither
  bool host_is_address = false;  // an IP address literal, not a name

  // "host" or "host:port" when the port is not the scheme's default ("[v6]" for IPv6): the Host header.
  std::string HostHeader() const;
};

// InvalidArgument, with a message fit to show, for anything but a URL as above.
Result<WebhookUrl> ParseWebhookUrl(std::string_view text);

}  // namespace herald::webhooks
