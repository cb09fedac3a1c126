// HttpClient: POSTs a webhook delivery to its receiver and says what came back — an HTTP status, or
// why none came — over kept-alive connections (HTTP/1.1 on Beast, TLS through OpenSSL).
//
//   Post:  [idle connection for scheme://host:port] or resolve → check addresses → connect → [TLS]
//          → write the request → read the response (status, headers, at most max_response_bytes of body)
//          → keep the connection when both sides allow it
//
// Time limits: `connect_timeout` covers resolution, connecting and the TLS handshake; `response_timeout`
// covers writing the request and reading the whole response. Resolution goes through the system
// resolver, whose getaddrinfo() cannot be interrupted: its time limit is reported when the call
// returns. Nothing is read past the limits: the status line and headers (16 KiB) and the body
// (`max_response_bytes`; a longer body still gives its status, and the connection is closed).
//
// TLS: the receiver's certificate is verified against the system's trusted roots (and `ca_file`, if
// the context was given one) and its name, sent as SNI; a failure is the attempt's error.
// Redirects are not followed: a 3xx is a status like any other, and only 2xx is a delivery.
//
// Addresses: unless `allow_private_networks`, only public addresses are connected to
// (address_policy.h), checked on every address a name resolves to, at each new connection.
//
// A kept connection the receiver closed meanwhile is noticed when the request fails on it before any
// byte of the response: the request then goes once more over a new connection (the receiver may have
// seen it: webhooks are at-least-once). Idle connections are kept at most `max_idle_per_target` per
// target and for `idle_timeout`.
//
// SECURITY: the receiver is untrusted. Its response is bounded as above and never stored; errors
// are Herald's own text, with Printable() applied to anything taken from outside.
//
// Thread-safety: none. One HttpClient is used on one single-threaded executor; Post may run from
// many coroutines at once there. Close() ends every connection, idle or busy (shutdown): Posts in
// flight end with an error.
#pragma once

// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
// clang-format on

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "webhooks/url.h"

namespace herald::webhooks {

struct HttpClientOptions {
  Duration connect_timeout{5'000};
  Duration response_timeout{10'000};
  size_t max_response_bytes = 64 * 1024;
  bool allow_private_networks = false;
  size_t max_idle_per_target = 8;
  Duration idle_timeout{30'000};
  std::string user_agent = "Herald-Webhooks/1";
};

struct PostResult {
  int status = 0;     // the HTTP status; 0 when no response came
  std::string error;  // why no response came (or "" when one did): "timed out waiting for the response", …
  bool delivered() const { return status >= 200 && status <= 299; }
};

class HttpClient {
 public:
  // `tls` must outlive the client; it verifies receivers' certificates.
  HttpClient(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `headers` are added to Host, User-Agent, Content-Type (application/json), Content-Length and
  // Connection. Never throws.
  boost::asio::awaitable<PostResult> Post(WebhookUrl url,
                                          std::vector<std::pair<std::string, std::string>> headers,
                                          std::string body);

  // Closes every connection; later Posts still work (for tests, and at shutdown before the end).
  void Close();

  size_t idle_connections() const;

  class Connection;

 private:
  struct Idle {
    std::unique_ptr<Connection> connection;
    std::chrono::steady_clock::time_point since;
  };
  static std::string TargetKey(const WebhookUrl& url);
  std::unique_ptr<Connection> TakeIdle(const std::string& key);
  void KeepIdle(const std::string& key, std::unique_ptr<Connection> connection);
  boost::asio::awaitable<std::unique_ptr<Connection>> Open(const WebhookUrl& url, std::string& error);

  boost::asio::any_io_executor executor_;
  boost::asio::ssl::context& tls_;
  const HttpClientOptions options_;
  std::map<std::string, std::vector<Idle>> idle_;  // target → idle connections, oldest first
  std::set<Connection*> busy_;                     // connections a Post is using, closed by Close()
  uint64_t closes_ = 0;                            // Close() calls so far: a Post it interrupted does not retry
};

}  // namespace herald::webhooks
