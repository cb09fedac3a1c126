// SmtpServer: the listeners of one SMTP service, sharing one connection limit and one SessionPolicy
// factory: a port that offers STARTTLS (when a certificate is loaded) and a port that runs TLS from
// the first byte. The SMTP relay (DESIGN §2.2) has both (submission, submissions); the inbound
// listener (§4) the first only.
//
// Each accepted connection gets its own strand and Session. Over max_connections, a new connection is
// told "421 4.7.0 … too many connections" and closed at once.
//
// Thread-safety: runs on the io_context it is given, which any number of threads may run. Start is
// called once; Stop and the accessors may be called from any thread.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "smtpd/session.h"

namespace herald::smtpd {

struct ServerOptions {
  std::optional<std::string> listen;               // host:port (port 0: pick one); unset: not served
  std::optional<std::string> implicit_tls_listen;  // host:port; unset: not served
  size_t max_connections = 1000;
  SessionOptions session;
};

namespace internal {
struct ServerState;
}

class SmtpServer {
 public:
  // `services.tls` may be null: then STARTTLS is not offered and the implicit-TLS port not served.
  SmtpServer(boost::asio::io_context& io, ServerOptions options, SessionServices services);
  ~SmtpServer();
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  // Binds and listens on the configured ports. InvalidArgument for a malformed address,
  // Unavailable when a port cannot be bound, FailedPrecondition for implicit TLS without a certificate.
  Status Start();

  // The bound ports (the ones the system picked for port 0); 0 when not served.
  uint16_t port() const;
  uint16_t implicit_tls_port() const;

  // Stops accepting and asks every session to end (see SessionHandle::Shutdown). Idempotent.
  void Stop();

  size_t connections() const;

 private:
  std::shared_ptr<internal::ServerState> state_;
};

}  // namespace herald::smtpd
