#include "delivery/relay_transport.h"

#include "base/log.h"

namespace herald::delivery {

namespace asio = boost::asio;

RelayTransport::RelayTransport(asio::any_io_executor executor, SmtpTarget target, SmtpClientOptions options,
                               std::chrono::steady_clock::duration idle_timeout)
    : executor_(std::move(executor)),
      target_(std::move(target)),
      options_(std::move(options)),
      idle_timeout_(idle_timeout),
      tls_(asio::ssl::context::tls_client) {
  tls_.set_verify_mode(options_.verify_certificate ? asio::ssl::verify_peer : asio::ssl::verify_none);
  if (options_.verify_certificate) tls_.set_default_verify_paths();
}

asio::awaitable<AttemptResult> RelayTransport::Attempt(const storage::DeliveryItem& item) {
  Envelope envelope{item.record.mail_from, item.record.rcpt_to, item.record.smtputf8};
  const auto now = std::chrono::steady_clock::now();

  // Reuse the most recently used connection that is still fresh; close the stale ones.
  while (!idle_.empty()) {
    Idle idle = std::move(idle_.back());
    idle_.pop_back();
    if (now - idle.since > idle_timeout_ || !idle.connection->usable()) {
      co_await idle.connection->Quit();
      continue;
    }
    AttemptResult result = co_await idle.connection->Send(envelope, item.raw);
    // The server had closed the idle connection before answering anything: safe to send again.
    if (result.lost_before_reply) break;
    KeepIfUsable(std::move(idle.connection));
    co_return result;
  }
  co_return co_await SendOnFreshConnection(envelope, item.raw);
}

asio::awaitable<AttemptResult> RelayTransport::SendOnFreshConnection(const Envelope& envelope, std::string_view raw) {
  OpenResult opened = co_await SmtpConnection::Open(executor_, target_, options_, &tls_);
  if (!opened.ok()) co_return opened.failure;
  AttemptResult result = co_await opened.connection->Send(envelope, raw);
  KeepIfUsable(std::move(opened.connection));
  co_return result;
}

void RelayTransport::KeepIfUsable(std::unique_ptr<SmtpConnection> connection) {
  if (connection->usable()) idle_.push_back({std::move(connection), std::chrono::steady_clock::now()});
}

asio::awaitable<void> RelayTransport::Close() {
  std::vector<Idle> idle = std::move(idle_);
  idle_.clear();
  for (Idle& entry : idle) co_await entry.connection->Quit();
}

}  // namespace herald::delivery
