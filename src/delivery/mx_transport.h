// MxTransport (delivery.mode = mx): delivers each message to its recipient domain's own mail
// servers (DESIGN §4), along the Route that delivery/mx_router.h made from the domain's MX records.
//
// One attempt:
//   hosts in preference order, equal preferences in random order (dns::OrderByPreference) →
//   for each host: an idle connection to it when one is kept (connection reuse, RSET between
//   messages as the session needs) → else its A/AAAA addresses (dns::Resolver: cached) → connect to
//   each address on `port` (delivery.smtp_port) until one greets and accepts EHLO/HELO →
//   the message's transaction on that connection decides the attempt.
// A host that cannot be used — its addresses unknown or not found, connection refused or timed out,
// a 4xx or 5xx greeting or EHLO/HELO refusal, a failed TLS requirement — passes the turn to the next
// address, then the next host (RFC 5321 §5.1; like Postfix, a 5xx greeting is skipped too). When
// every host failed so, the attempt is a temporary failure carrying the last host's failure (the
// message is deferred). At most kMaxConnections connections are tried per attempt.
// Once a connection is open, its transaction decides: a refusal at MAIL, RCPT or DATA is not retried
// elsewhere (every MX host of a domain speaks for it).
//
// IP pools (delivery/ip_pools.h): each message leaves through its pool — connections bound to the
// pool's next source address of the destination's family, greeting with the pool's EHLO name — and
// reuses only connections of its pool. An address the pool cannot reach (no source of its family)
// counts as an unusable host.
//
// STARTTLS is opportunistic (SmtpClientOptions), with the MX host name as the TLS server name; a
// route with require_tls (the domain's TLS policy) never sends in clear and reuses only connections
// that run TLS. The envelope sender is the message's VERP address when a return-path domain is set
// (delivery/envelope.h).
// Replies record the host as "mx.example[192.0.2.1]" (":port" when not 25).
//
// Thread-safety: used on the delivery executor only. The resolver must outlive it.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <random>

#include "delivery/connection_pool.h"
#include "delivery/ip_pools.h"
#include "delivery/transport.h"
#include "dns/resolver.h"

namespace herald::delivery {

struct MxTransportOptions {
  uint16_t port = 25;  // delivery.smtp_port
  SmtpClientOptions smtp;  // each pool's EHLO name replaces smtp.ehlo_name
  std::vector<IpPool> pools;  // the first is the default; none: one default pool without addresses
  std::string return_path_domain;
  std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(20);
  size_t max_idle = 256;  // idle connections kept in all
};

class MxTransport final : public Transport {
 public:
  static constexpr int kMaxConnections = 10;

  MxTransport(boost::asio::any_io_executor executor, dns::Resolver& resolver, MxTransportOptions options);

  bool NeedsContent() const override { return true; }
  bool Captures() const override { return false; }
  bool RefusalsAreBounces() const override { return true; }
  boost::asio::awaitable<AttemptResult> Attempt(const storage::DeliveryItem& item,
                                                const Route& route) override;
  boost::asio::awaitable<void> Close() override;

 private:
  boost::asio::any_io_executor executor_;
  dns::Resolver& resolver_;
  MxTransportOptions options_;
  IpPools pools_;
  std::mt19937_64 random_;
  boost::asio::ssl::context tls_;
  ConnectionPool pool_;  // after tls_: its connections use it
};

}  // namespace herald::delivery
