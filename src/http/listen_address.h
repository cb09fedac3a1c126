// Listen addresses as written in configuration ("127.0.0.1:8025", "[::1]:8025", "localhost:0").
//
// Thread-safety: pure functions (ResolveListenAddress may block on the system resolver, so call it
// at startup). Untrusted input: configuration text; anything not of the form is refused.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio headers use std::exchange without including <utility>
// clang-format on
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace herald::http {

struct HostPort {
  std::string host;  // without the brackets of an IPv6 literal
  uint16_t port = 0;
};

// Splits "host:port" / "[v6]:port". The port is 0–65535 (0: let the system pick one).
Result<HostPort> SplitHostPort(std::string_view text);

// The endpoint to bind: an IP literal as is, a host name through the system resolver (first answer).
Result<boost::asio::ip::tcp::endpoint> ResolveListenAddress(std::string_view text);

}  // namespace herald::http
