// The http module's vocabulary: the request and response types every handler sees, and the
// handler signature the Server calls.
//
// Thread-safety: plain types. Untrusted input: a Request comes straight from a peer — its method,
// target, header values and body are whatever the peer sent, within the Server's limits
// (ServerOptions); clean any of it with herald::Printable before logging it.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>

namespace herald::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// Answers one request. It may co_await; it should not throw — if it does, the Server answers a 500
// JSON error and logs the exception. The Request lives until the returned awaitable completes.
using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

// The request field in which the Server gives handlers the peer's IP address (whatever the client
// itself sent under that name is replaced).
inline constexpr const char* kPeerAddressField = "Herald-Peer-Address";

}  // namespace herald::http
