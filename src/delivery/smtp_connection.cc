#include "delivery/smtp_connection.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <vector>

#include "base/log.h"
#include "dns/host_lookup.h"

namespace herald::delivery {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr size_t kContentBlockBytes = 64 * 1024;  // each block written has its own time limit

std::string Describe(const error_code& ec) {
  if (ec == beast::error::timeout) return "timed out";
  if (ec == asio::error::eof) return "connection closed by the server";
  return ec.message();
}

std::string RemoteName(const SmtpTarget& target) {
  const std::string port = target.port == 25 ? "" : ":" + std::to_string(target.port);
  if (!target.name.empty()) return target.name + "[" + target.host + "]" + port;
  if (target.port == 25) return target.host;
  const bool ipv6 = target.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + target.host + "]" : target.host) + port;
}

bool IsAddressLiteral(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

smtp::Verdict ClosedWithoutVerdict() {
  return smtp::LocalVerdict(smtp::Outcome::kTemporaryFailure, "4.4.2", "connection closed");
}

}  // namespace

SmtpConnection::SmtpConnection(asio::any_io_executor executor, SmtpTarget target, SmtpClientOptions options,
                               asio::ssl::context* tls)
    : executor_(std::move(executor)),
      target_(std::move(target)),
      options_(std::move(options)),
      tls_context_(tls),
      remote_(RemoteName(target_)),
      session_(smtp::ClientPolicy{.ehlo_name = options_.ehlo_name,
                                  .tls_available = tls != nullptr,
                                  .opportunistic_tls = options_.opportunistic_tls,
                                  .require_tls = options_.require_tls}),
      tcp_(executor_) {}

SmtpConnection::~SmtpConnection() = default;

asio::awaitable<OpenResult> SmtpConnection::Open(asio::any_io_executor executor, SmtpTarget target,
                                                 SmtpClientOptions options, asio::ssl::context* tls) {
  OpenResult result;
  asio::ssl::context* context = tls;
  for (;;) {
    std::unique_ptr<SmtpConnection> connection(new SmtpConnection(executor, target, options, context));
    smtp::Step step;
    try {
      step = co_await connection->Run(co_await connection->Connect());
    } catch (const boost::system::system_error& e) {
      step = connection->session_.OnConnectionError(e.what());
    }
    if (step.next == smtp::Next::kReady) {
      Logger("delivery")
          ->debug("smtp connection to {} open (tls={}, pipelining={})", connection->remote_,
                  connection->tls_active(), connection->extensions().pipelining);
      result.connection = std::move(connection);
      co_return result;
    }
    connection->Close();
    result.failure = connection->Finish(step.verdict.value_or(ClosedWithoutVerdict()));
    Logger("delivery")
        ->debug("smtp connection to {} failed: {} {}", connection->remote_, result.failure.reply.code,
                result.failure.reply.text);
    // A failed opportunistic handshake must not hold mail that may go in clear: connect once more
    // without TLS (never when TLS is required).
    if (!connection->tls_handshake_failed_ || options.require_tls || context == nullptr) break;
    context = nullptr;
  }
  co_return result;
}

asio::awaitable<AttemptResult> SmtpConnection::Send(Envelope envelope, std::string_view raw_message) {
  if (!usable()) {
    co_return Finish(smtp::LocalVerdict(smtp::Outcome::kTemporaryFailure, "4.4.2", "connection not usable"));
  }
  const smtp::OutgoingMessage message{.mail_from = envelope.mail_from,
                                      .rcpt_to = envelope.rcpt_to,
                                      .content = raw_message,
                                      .smtputf8 = envelope.smtputf8};
  smtp::Step step;
  try {
    step = co_await Run(session_.StartMessage(message));
  } catch (const boost::system::system_error& e) {
    step = session_.OnConnectionError(e.what());
    Close();
  }
  co_return Finish(step.verdict.value_or(ClosedWithoutVerdict()));
}

asio::awaitable<void> SmtpConnection::Quit() {
  try {
    if (usable()) co_await Run(session_.Quit());
  } catch (...) {  // a polite goodbye that failed changes nothing
  }
  Close();
}

asio::awaitable<smtp::Step> SmtpConnection::Connect() {
  error_code ec;
  const auto deadline = std::chrono::steady_clock::now() + options_.connect_timeout;
  std::vector<tcp::endpoint> endpoints;
  if (IsAddressLiteral(target_.host)) {
    endpoints.emplace_back(asio::ip::make_address(target_.host), target_.port);
  } else {
    endpoints = co_await dns::LookUpHost(executor_, target_.host, target_.port, deadline, ec);
    if (ec == asio::error::operation_aborted)
      co_return session_.OnConnectionError("timed out resolving the host");
    if (ec) co_return session_.OnConnectionError("cannot resolve the host: " + ec.message());
  }
  if (endpoints.empty()) co_return session_.OnConnectionError("the host has no address");
  tcp_.expires_at(deadline);
  if (options_.source_address.empty()) {
    co_await tcp_.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  } else {
    // Bound first: connecting an open socket keeps its local address (connecting to a range of
    // endpoints would reopen it), so one endpoint, the literal's.
    const asio::ip::address source = asio::ip::make_address(options_.source_address, ec);
    if (ec) co_return session_.OnConnectionError("bad source address " + options_.source_address);
    const tcp::endpoint local(source, 0);
    tcp_.socket().open(local.protocol(), ec);
    if (!ec) tcp_.socket().bind(local, ec);
    if (ec) {
      co_return session_.OnConnectionError("cannot bind to source address " + options_.source_address + ": " +
                                           ec.message());
    }
    co_await tcp_.async_connect(endpoints.front(), asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec) co_return session_.OnConnectionError(Describe(ec));
  tcp_.socket().set_option(tcp::no_delay(true), ec);  // best effort
  co_return session_.Start();
}

asio::awaitable<smtp::Step> SmtpConnection::Run(smtp::Step step) {
  for (;;) {
    if (!step.write.empty()) {
      error_code ec = co_await Write(step.write, step.write_is_content);
      step.write.clear();
      // A failed write on the way out (a QUIT after a refusal) does not change the verdict.
      if (ec && step.next != smtp::Next::kClose) step = session_.OnConnectionError(Describe(ec));
    }
    switch (step.next) {
      case smtp::Next::kReadReply:
        step = co_await ReadReply(step.wait);
        break;
      case smtp::Next::kStartTls:
        step = co_await StartTls();
        break;
      case smtp::Next::kReady:
        co_return step;
      case smtp::Next::kClose:
        Close();
        co_return step;
    }
  }
}

asio::awaitable<error_code> SmtpConnection::Write(std::string_view bytes, bool is_content) {
  const auto limit = is_content ? options_.data_block_timeout : options_.command_timeout;
  const size_t block = is_content ? kContentBlockBytes : bytes.size();
  error_code ec;
  while (!bytes.empty() && !ec) {
    const auto buffer = asio::buffer(bytes.data(), std::min(block, bytes.size()));
    Tcp().expires_after(limit);
    size_t written = 0;
    if (tls_) {
      written = co_await asio::async_write(*tls_, buffer, asio::redirect_error(asio::use_awaitable, ec));
    } else {
      written = co_await asio::async_write(tcp_, buffer, asio::redirect_error(asio::use_awaitable, ec));
    }
    bytes.remove_prefix(written);
  }
  co_return ec;
}

asio::awaitable<smtp::Step> SmtpConnection::ReadReply(smtp::Wait wait) {
  switch (wait) {
    case smtp::Wait::kGreeting:
      Tcp().expires_after(options_.greeting_timeout);
      break;
    case smtp::Wait::kCommand:
      Tcp().expires_after(options_.command_timeout);
      break;
    case smtp::Wait::kDataEnd:
      Tcp().expires_after(options_.data_end_timeout);
      break;
    case smtp::Wait::kQuit:
      Tcp().expires_after(options_.quit_timeout);
      break;
  }
  for (;;) {
    if (std::optional<smtp::Reply> reply = parser_.Next()) co_return session_.OnReply(*reply);
    if (!parser_.status().ok())
      co_return session_.OnConnectionError("malformed reply: " + parser_.status().message());
    error_code ec;
    size_t received = 0;
    if (tls_) {
      received = co_await tls_->async_read_some(asio::buffer(read_buffer_),
                                                asio::redirect_error(asio::use_awaitable, ec));
    } else {
      received = co_await tcp_.async_read_some(asio::buffer(read_buffer_),
                                               asio::redirect_error(asio::use_awaitable, ec));
    }
    if (received > 0)
      (void)parser_.Feed(std::string_view(read_buffer_.data(), received));  // errors: seen above
    if (ec) {
      if (std::optional<smtp::Reply> reply = parser_.Next()) co_return session_.OnReply(*reply);
      co_return session_.OnConnectionError(Describe(ec));
    }
  }
}

asio::awaitable<smtp::Step> SmtpConnection::StartTls() {
  if (parser_.HasBufferedInput()) {  // bytes sent in clear before the handshake: refuse them all
    co_return session_.OnTlsFailed("the server sent data after its reply to STARTTLS");
  }
  error_code ec;
  tls_ = std::make_unique<TlsStream>(std::move(tcp_), *tls_context_);
  const std::string& server_name = target_.name.empty() ? target_.host : target_.name;
  if (!IsAddressLiteral(server_name)) SSL_set_tlsext_host_name(tls_->native_handle(), server_name.c_str());
  if (options_.verify_certificate) {
    tls_->set_verify_mode(asio::ssl::verify_peer, ec);
    tls_->set_verify_callback(asio::ssl::host_name_verification(server_name), ec);
  } else {
    tls_->set_verify_mode(asio::ssl::verify_none, ec);
  }
  Tcp().expires_after(options_.command_timeout);
  co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                 asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    tls_handshake_failed_ = true;
    co_return session_.OnTlsFailed(Describe(ec));
  }
  co_return session_.OnTlsEstablished();
}

void SmtpConnection::Close() {
  error_code ec;
  Tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
  Tcp().close();
}

AttemptResult SmtpConnection::Finish(smtp::Verdict verdict) const {
  verdict.reply.host = remote_;
  return verdict;
}

beast::tcp_stream& SmtpConnection::Tcp() { return tls_ ? tls_->next_layer() : tcp_; }

}  // namespace herald::delivery
