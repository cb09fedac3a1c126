// Server: the HTTP/1.x listener the API is served from (Boost.Beast, one C++20 coroutine per
// connection), and the limits and timeouts that bound each connection.
//
// A session reads top to bottom (STYLE habit 8): wait for a request, read it within the limits,
// call the Handler, write the response, and loop while the connection is kept alive. The Server
// answers for itself, as JSON errors, what never reaches the handler: 400 bad_request (malformed),
// 413 payload_too_large, 431 header_too_large (each followed by closing the connection), 503
// overloaded (over max_connections), and 500 internal_error when the handler throws. Every response
// gets "Server: herald", a Date and a correct Content-Length; a HEAD request gets its headers only.
//
// Thread-safety: the Server runs on the io_context it is given, which may be run by any number of
// threads (each connection is served on its own strand). Start is called once, by the owner;
// Stop, port and connections may be called from any thread. Sessions share their state with the
// Server through reference counting, so a Stop (or destruction) followed by io_context::run()
// draining the remaining work is safe.
//
// Untrusted input: everything a peer sends. Bounded by ServerOptions; peer text is cleaned with
// herald::Printable before it is logged.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "http/message.h"

namespace herald::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8025";  // host:port; IPv6 as [::1]:8025; port 0 = pick one
  size_t body_limit = 40 * 1024 * 1024;   // bytes; larger → 413, connection closed
  size_t header_limit = 16 * 1024;        // request line and headers, bytes; larger → 431, closed
  // To read one whole request once it has begun; a new connection's first request counts as begun.
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds idle_timeout{60000};  // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30000};
  size_t max_connections = 10000;  // beyond: answered 503 overloaded and closed
};

namespace internal {
struct ServerState;
}

class Server {
 public:
  // `handler` must not be empty. Nothing happens until Start.
  Server(boost::asio::io_context& io, ServerOptions options, Handler handler);
  // Stops (see Stop); sessions still running finish on the io_context.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens, then accepts on the io_context. InvalidArgument for a malformed or
  // unresolvable address or a zero limit or timeout, Unavailable when it cannot be bound (taken,
  // not local, not permitted), FailedPrecondition when called twice or after Stop.
  Status Start();

  // The bound port (the one the system picked for port 0); 0 before Start.
  uint16_t port() const;

  // Stops accepting and closes connections waiting for a request; a request already begun is read,
  // handled and answered (with "Connection: close"), then its connection closes. Returns at once;
  // the listening socket closes as soon as the io_context gets to it. Idempotent.
  void Stop();

  // Connections being served now (not counting ones being refused with 503).
  size_t connections() const;

 private:
  std::shared_ptr<internal::ServerState> state_;
  bool started_ = false;
};

}  // namespace herald::http
