// RelayTransport (delivery.mode = relay): hands every message to one smarthost over SMTP, reusing
// connections across messages (DESIGN §4).
//
// Idle connections are kept for reuse up to `idle_timeout`; a reused connection that turns out to
// have been closed by the server meanwhile is replaced once, transparently, before any byte of the
// message was accepted — so a server's idle timeout never defers a message.
//
// Thread-safety: used on the delivery executor only.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <vector>

#include "delivery/transport.h"

namespace herald::delivery {

class RelayTransport final : public Transport {
 public:
  RelayTransport(boost::asio::any_io_executor executor, SmtpTarget target, SmtpClientOptions options,
                 std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(20));

  bool NeedsContent() const override { return true; }
  bool Captures() const override { return false; }
  boost::asio::awaitable<AttemptResult> Attempt(const storage::DeliveryItem& item) override;
  boost::asio::awaitable<void> Close() override;

 private:
  struct Idle {
    std::unique_ptr<SmtpConnection> connection;
    std::chrono::steady_clock::time_point since;
  };

  boost::asio::awaitable<AttemptResult> SendOnFreshConnection(const Envelope& envelope, std::string_view raw);
  void KeepIfUsable(std::unique_ptr<SmtpConnection> connection);

  boost::asio::any_io_executor executor_;
  SmtpTarget target_;
  SmtpClientOptions options_;
  std::chrono::steady_clock::duration idle_timeout_;
  boost::asio::ssl::context tls_;
  std::vector<Idle> idle_;  // most recently used last
};

}  // namespace herald::delivery
