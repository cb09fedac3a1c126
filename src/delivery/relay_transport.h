// RelayTransport (delivery.mode = relay): hands every message to one smarthost over SMTP, reusing
// connections across messages (DESIGN §4) through a ConnectionPool (delivery/connection_pool.h).
//
// Idle connections are kept for reuse up to `idle_timeout`; a reused connection that turns out to
// have been closed by the server meanwhile is replaced once, transparently, before any byte of the
// message was accepted — so a server's idle timeout never defers a message. A refusal from the
// smarthost fails the message (it is not a bounce: see Transport::RefusalsAreBounces).
//
// Thread-safety: used on the delivery executor only.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>

#include "delivery/connection_pool.h"
#include "delivery/transport.h"

namespace herald::delivery {

class RelayTransport final : public Transport {
 public:
  // `return_path_domain`: see delivery/envelope.h; empty keeps each message's own sender.
  RelayTransport(boost::asio::any_io_executor executor, SmtpTarget target, SmtpClientOptions options,
                 std::string return_path_domain = {},
                 std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(20),
                 size_t max_idle = 256);

  bool NeedsContent() const override { return true; }
  bool RefusalsAreBounces() const override { return false; }
  bool Captures() const override { return false; }
  boost::asio::awaitable<AttemptResult> Attempt(const storage::DeliveryItem& item,
                                                const Route& route) override;
  boost::asio::awaitable<void> Close() override;

 private:
  boost::asio::any_io_executor executor_;
  std::string return_path_domain_;
  SmtpTarget target_;
  std::string key_;  // the pool's key: the smarthost
  SmtpClientOptions options_;
  boost::asio::ssl::context tls_;
  ConnectionPool pool_;  // after tls_: its connections use it
};

}  // namespace herald::delivery
