#include "delivery/relay_transport.h"

#include "delivery/envelope.h"

namespace herald::delivery {

namespace asio = boost::asio;

RelayTransport::RelayTransport(asio::any_io_executor executor, SmtpTarget target, SmtpClientOptions options,
                               std::string return_path_domain, std::chrono::steady_clock::duration idle_timeout,
                               size_t max_idle)
    : executor_(std::move(executor)),
      return_path_domain_(std::move(return_path_domain)),
      target_(std::move(target)),
      key_(target_.host + ":" + std::to_string(target_.port)),
      options_(std::move(options)),
      tls_(asio::ssl::context::tls_client),
      pool_(executor_, idle_timeout, max_idle) {
  tls_.set_verify_mode(options_.verify_certificate ? asio::ssl::verify_peer : asio::ssl::verify_none);
  if (options_.verify_certificate) tls_.set_default_verify_paths();
}

asio::awaitable<AttemptResult> RelayTransport::Attempt(const storage::DeliveryItem& item, const Route&) {
  const Envelope envelope = EnvelopeOf(item.record, return_path_domain_);
  if (std::optional<AttemptResult> sent = co_await pool_.SendOnIdle(key_, envelope, item.raw))
    co_return *sent;
  OpenResult opened = co_await SmtpConnection::Open(executor_, target_, options_, &tls_);
  if (!opened.ok()) co_return opened.failure;
  co_return co_await pool_.SendAndKeep(key_, std::move(opened.connection), envelope, item.raw);
}

asio::awaitable<void> RelayTransport::Close() { co_await pool_.CloseAll(); }

}  // namespace herald::delivery
