#include "delivery/mx_transport.h"

#include "base/log.h"
#include "base/printable.h"
#include "base/random.h"
#include "delivery/envelope.h"
#include "dns/mx_order.h"

namespace herald::delivery {
namespace {

namespace asio = boost::asio;

uint64_t RandomSeed() {
  uint64_t seed = 0;
  RandomBytes(&seed, sizeof seed);
  return seed;
}

AttemptResult HostFailure(const std::string& host, std::string_view enhanced_code, std::string_view text) {
  AttemptResult result = smtp::LocalVerdict(smtp::Outcome::kTemporaryFailure, enhanced_code, text);
  result.reply.host = host;
  return result;
}

}  // namespace

MxTransport::MxTransport(asio::any_io_executor executor, dns::Resolver& resolver, MxTransportOptions options)
    : executor_(std::move(executor)),
      resolver_(resolver),
      options_(std::move(options)),
      pools_(options_.pools.empty() ? std::vector<IpPool>{{"transactional", {}, options_.smtp.ehlo_name}}
                                    : options_.pools),
      random_(RandomSeed()),
      tls_(asio::ssl::context::tls_client),
      pool_(executor_, options_.idle_timeout, options_.max_idle) {
  tls_.set_verify_mode(options_.smtp.verify_certificate ? asio::ssl::verify_peer : asio::ssl::verify_none);
  if (options_.smtp.verify_certificate) tls_.set_default_verify_paths();
}

asio::awaitable<AttemptResult> MxTransport::Attempt(const storage::DeliveryItem& item, const Route& route) {
  if (route.verdict) co_return *route.verdict;  // the dispatcher records these without calling
  const Envelope envelope = EnvelopeOf(item.record, options_.return_path_domain);
  const IpPool& pool = pools_.Find(item.record.pool);
  SmtpClientOptions smtp = options_.smtp;
  smtp.ehlo_name = pool.ehlo_name;
  smtp.require_tls = route.require_tls;
  // Idle connections are shared only by messages that would have opened the same kind.
  auto key = [&](const std::string& host) { return pool.name + "/" + host + (route.require_tls ? "/tls" : ""); };
  auto log = Logger("delivery");
  AttemptResult last = HostFailure("", "4.4.4", "no MX host to try");
  int connections = 0;

  for (const dns::MxRecord& mx : dns::OrderByPreference(route.hosts, random_)) {
    if (std::optional<AttemptResult> sent = co_await pool_.SendOnIdle(key(mx.host), envelope, item.raw))
      co_return *sent;

    Result<dns::AddressAnswer> addresses = co_await resolver_.LookupAddresses(mx.host);
    if (!addresses.ok()) {
      last = HostFailure(mx.host, "4.4.3", "address lookup failed: " + addresses.status().message());
      continue;
    }
    if (addresses->kind != dns::AnswerKind::kRecords) {
      last = HostFailure(
          mx.host, "4.4.4",
          "the MX host has no address (" + std::string(dns::AnswerKindName(addresses->kind)) + ")");
      continue;
    }
    for (const asio::ip::address& address : addresses->addresses) {
      if (connections++ == kMaxConnections) {
        log->debug("{}: gave up after {} connections", item.record.id, kMaxConnections);
        last.outcome = Outcome::kTemporaryFailure;
        co_return last;
      }
      std::optional<std::string> source = pools_.NextSource(pool, address);
      if (!source) {
        last = HostFailure(mx.host, "4.4.4",
                           "IP pool " + pool.name + " has no " + (address.is_v4() ? "IPv4" : "IPv6") +
                               " source address for " + address.to_string());
        continue;
      }
      smtp.source_address = std::move(*source);
      SmtpTarget target{address.to_string(), options_.port, mx.host};
      OpenResult opened = co_await SmtpConnection::Open(executor_, target, smtp, &tls_);
      if (!opened.ok()) {
        log->debug("{}: {}[{}] unusable, trying the next: {} {}", item.record.id, mx.host, target.host,
                   opened.failure.reply.code, opened.failure.reply.text);
        last = std::move(opened.failure);
        continue;
      }
      co_return co_await pool_.SendAndKeep(key(mx.host), std::move(opened.connection), envelope, item.raw);
    }
  }
  // Every host failed before a transaction: try again later, whatever the last one said.
  last.outcome = Outcome::kTemporaryFailure;
  co_return last;
}

asio::awaitable<void> MxTransport::Close() { co_await pool_.CloseAll(); }

}  // namespace herald::delivery
