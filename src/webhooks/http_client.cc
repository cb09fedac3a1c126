#include "webhooks/http_client.h"

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <exception>

#include "base/printable.h"
#include "core/ip_network.h"
#include "dns/host_lookup.h"
#include "webhooks/address_policy.h"

namespace herald::webhooks {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

constexpr size_t kHeaderLimit = 16 * 1024;

class HttpClient::Connection {
 public:
  explicit Connection(const asio::any_io_executor& executor) : tcp_(executor) {}

  beast::tcp_stream& Tcp() { return tls_ ? tls_->next_layer() : tcp_; }
  void Close() {
    error_code ec;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    Tcp().close();
  }

  beast::tcp_stream tcp_;  // moved into tls_ once TLS starts
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
};

namespace {

using Request = http::request<http::string_body>;

struct Exchanged {
  int status = 0;
  std::string error;
  bool keep = false;              // the connection may carry another request
  bool response_started = false;  // some of the response had arrived when it failed
};

// Herald's own words for an I/O failure during `phase` ("connecting", "waiting for the response").
std::string Describe(const error_code& ec, std::string_view phase) {
  const std::string during = " " + std::string(phase);
  if (ec == beast::error::timeout || ec == asio::error::timed_out) return "timed out" + during;
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated)
    return "the receiver closed the connection" + during;
  if (ec == asio::error::host_unreachable || ec == asio::error::network_unreachable) return "host unreachable";
  if (ec == asio::error::operation_aborted) return "cancelled" + during;
  if (ec.category() == asio::error::get_ssl_category()) return "TLS failed" + during + ": " + Printable(ec.message(), 120);
  return Printable(ec.message(), 120) + during;
}

template <typename Stream>
asio::awaitable<Exchanged> ExchangeOn(Stream& stream, beast::flat_buffer& buffer, Request& request,
                                      const HttpClientOptions& options) {
  error_code ec;
  co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return Exchanged{0, Describe(ec, "sending the request"), false, false};
  http::response_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(options.max_response_bytes);
  co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  // A Content-Length past the limit is refused once the header is read: its status stands, the body
  // is not read (and the connection not kept).
  if (ec == http::error::body_limit) co_return Exchanged{static_cast<int>(parser.get().result_int()), "", false, true};
  if (ec) co_return Exchanged{0, Describe(ec, "waiting for the response"), false, parser.got_some()};
  const int status = static_cast<int>(parser.get().result_int());
  if (parser.content_length() && *parser.content_length() > options.max_response_bytes) {
    co_return Exchanged{status, "", false, true};  // its status stands; the body is not read
  }
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == http::error::body_limit) co_return Exchanged{status, "", false, true};
  if (ec) co_return Exchanged{0, Describe(ec, "waiting for the response"), false, true};
  co_return Exchanged{status, "", parser.get().keep_alive(), true};
}

asio::awaitable<Exchanged> Exchange(HttpClient::Connection& c, Request& request, const HttpClientOptions& options) {
  c.Tcp().expires_after(options.response_timeout);
  Exchanged out;
  if (c.tls_) {
    out = co_await ExchangeOn(*c.tls_, c.buffer_, request, options);
  } else {
    out = co_await ExchangeOn(c.tcp_, c.buffer_, request, options);
  }
  c.Tcp().expires_never();
  co_return out;
}

std::optional<core::IpAddress> ToIpAddress(const asio::ip::address& address) {
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    return core::IpAddress::FromBytes(bytes);
  }
  const auto bytes = address.to_v6().to_bytes();
  return core::IpAddress::FromBytes(bytes);
}

}  // namespace

HttpClient::HttpClient(asio::any_io_executor executor, asio::ssl::context& tls, HttpClientOptions options)
    : executor_(std::move(executor)), tls_(tls), options_(std::move(options)) {}

HttpClient::~HttpClient() { Close(); }

std::string HttpClient::TargetKey(const WebhookUrl& url) {
  return std::string(url.tls ? "https://" : "http://") + url.host + ":" + std::to_string(url.port);
}

std::unique_ptr<HttpClient::Connection> HttpClient::TakeIdle(const std::string& key) {
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  const auto now = std::chrono::steady_clock::now();
  std::unique_ptr<Connection> found;
  // The newest idle connection is the likeliest to be alive; older ones past the idle time go.
  while (!it->second.empty() && !found) {
    Idle idle = std::move(it->second.back());
    it->second.pop_back();
    if (now - idle.since < options_.idle_timeout) {
      found = std::move(idle.connection);
    } else {
      idle.connection->Close();
    }
  }
  if (it->second.empty()) idle_.erase(it);
  return found;
}

void HttpClient::KeepIdle(const std::string& key, std::unique_ptr<Connection> connection) {
  std::vector<Idle>& idle = idle_[key];
  if (idle.size() >= options_.max_idle_per_target) {
    idle.front().connection->Close();
    idle.erase(idle.begin());
  }
  idle.push_back({std::move(connection), std::chrono::steady_clock::now()});
}

size_t HttpClient::idle_connections() const {
  size_t count = 0;
  for (const auto& [key, idle] : idle_) count += idle.size();
  return count;
}

void HttpClient::Close() {
  ++closes_;
  for (auto& [key, idle] : idle_) {
    for (Idle& i : idle) i.connection->Close();
  }
  idle_.clear();
  for (Connection* c : busy_) c->Close();
}

asio::awaitable<std::unique_ptr<HttpClient::Connection>> HttpClient::Open(const WebhookUrl& url, std::string& error) {
  error_code ec;
  const auto deadline = std::chrono::steady_clock::now() + options_.connect_timeout;
  std::vector<tcp::endpoint> endpoints;
  if (url.host_is_address) {
    endpoints.emplace_back(asio::ip::make_address(url.host, ec), url.port);
    if (ec) {
      error = "bad address " + url.host;
      co_return nullptr;
    }
  } else {
    endpoints = co_await dns::LookUpHost(executor_, url.host, url.port, deadline, ec);
    if (ec == asio::error::operation_aborted) {
      error = "timed out resolving the host";
      co_return nullptr;
    }
    if (ec) {
      error = "cannot resolve the host";
      co_return nullptr;
    }
  }
  if (!options_.allow_private_networks) {
    std::string refused;
    std::erase_if(endpoints, [&](const tcp::endpoint& endpoint) {
      std::optional<core::IpAddress> address = ToIpAddress(endpoint.address());
      if (address && IsPublicAddress(*address)) return false;
      if (refused.empty()) refused = endpoint.address().to_string();
      return true;
    });
    if (endpoints.empty() && !refused.empty()) {
      error = "address not allowed: " + refused + " is not a public address";
      co_return nullptr;
    }
  }
  if (endpoints.empty()) {
    error = "the host has no address";
    co_return nullptr;
  }

  auto connection = std::make_unique<Connection>(executor_);
  busy_.insert(connection.get());  // so that Close() reaches a connection being opened
  connection->tcp_.expires_at(deadline);
  co_await connection->tcp_.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) {
    connection->tcp_.socket().set_option(tcp::no_delay(true), ec);
    ec = {};  // best effort
    if (url.tls) {
      connection->tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(connection->tcp_), tls_);
      if (!url.host_is_address) SSL_set_tlsext_host_name(connection->tls_->native_handle(), url.host.c_str());
      connection->tls_->set_verify_mode(asio::ssl::verify_peer, ec);
      if (!ec) connection->tls_->set_verify_callback(asio::ssl::host_name_verification(url.host), ec);
      if (!ec) {
        connection->Tcp().expires_at(deadline);
        co_await connection->tls_->async_handshake(asio::ssl::stream_base::client,
                                                   asio::redirect_error(asio::use_awaitable, ec));
      }
    }
  }
  busy_.erase(connection.get());
  if (ec) {
    error = Describe(ec, connection->tls_ ? "in the handshake" : "connecting");
    connection->Close();
    co_return nullptr;
  }
  connection->Tcp().expires_never();
  co_return connection;
}

asio::awaitable<PostResult> HttpClient::Post(WebhookUrl url, std::vector<std::pair<std::string, std::string>> headers,
                                             std::string body) {
  try {
    Request request{http::verb::post, url.target, 11};
    request.set(http::field::host, url.HostHeader());
    request.set(http::field::user_agent, options_.user_agent);
    request.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    request.keep_alive(true);
    request.prepare_payload();

    const std::string key = TargetKey(url);
    const uint64_t closes = closes_;
    for (int round = 0;; ++round) {
      std::unique_ptr<Connection> connection = round == 0 ? TakeIdle(key) : nullptr;
      const bool reused = connection != nullptr;
      if (!connection) {
        std::string error;
        connection = co_await Open(url, error);
        if (!connection) co_return PostResult{0, error};
        if (closes != closes_) {  // closed while it was being opened: shutting down, send nothing
          connection->Close();
          co_return PostResult{0, "cancelled"};
        }
      }
      busy_.insert(connection.get());
      Exchanged exchanged = co_await Exchange(*connection, request, options_);
      busy_.erase(connection.get());
      if (exchanged.status == 0) {
        connection->Close();
        // A kept connection the receiver had closed: once more on a new one (unless shutting down).
        if (reused && !exchanged.response_started && closes == closes_) continue;
        co_return PostResult{0, exchanged.error};
      }
      if (exchanged.keep && closes == closes_) {
        KeepIdle(key, std::move(connection));
      } else {
        connection->Close();
      }
      co_return PostResult{exchanged.status, ""};
    }
  } catch (const std::exception& e) {
    co_return PostResult{0, "internal error: " + Printable(e.what(), 120)};
  }
}

}  // namespace herald::webhooks
