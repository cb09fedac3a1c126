// herald serve: builds every part from the configuration, wires them, runs until a signal.
//
//   HTTP threads ── api ───┐
//                          ├── intake ──▶ store (durable) ──▶ scheduled queue
//   (same threads) smtpd ──┘                                     │
//   (same threads) inbound smtpd ── report recorder ──▶ store (bounced, complained, suppressions)
//   delivery thread ◀──────────── dispatcher ◀───────────────────┘ ── transport (capture | relay | mx)
//                                      └─ (mx) MX router ── caching resolver ── c-ares resolver
//   intake ── domain directory (the sending gate, DKIM signers) ◀── domain service ◀── api /v1/domains
//   domains thread: the periodic re-check, and the c-ares resolver of domain verification
//   webhooks thread: events (read from the store) ──▶ signed POSTs to the accounts' receivers ◀── api /v1/webhooks
//
// Shutdown (SIGINT/SIGTERM): /readyz turns 503, the HTTP server stops accepting and finishes the
// requests in flight, the SMTP relay and the inbound listener stop accepting and tell their clients
// 421 (a half-sent message is dropped whole; one being stored is stored and answered first), the dispatcher lets attempts in flight record their outcome,
// the webhook dispatcher abandons its POSTs in flight (made again at the next start) and records those finished,
// then the store drains its last commits. Whatever waits in the queue resumes at the next start.
#include <utility>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <filesystem>
#include <iostream>
#include <thread>

#include "api/api.h"
#include "base/log.h"
#include "base/thread_name.h"
#include "config/config.h"
#include "daemon/commands.h"
#include "daemon/domains_runtime.h"
#include "daemon/resolver_options.h"
#include "daemon/version.h"
#include "daemon/webhooks_runtime.h"
#include "delivery/capture_transport.h"
#include "delivery/dispatcher.h"
#include "delivery/mx_router.h"
#include "delivery/mx_transport.h"
#include "delivery/relay_transport.h"
#include "dns/ares_resolver.h"
#include "dns/caching_resolver.h"
#include "http/server.h"
#include "intake/intake.h"
#include "queue/recovery.h"
#include "reports/recorder.h"
#include "reports/return_paths.h"
#include "smtpd/inbound_policy.h"
#include "smtpd/relay_policy.h"
#include "smtpd/server.h"
#include "storage/sqlite/sqlite_store.h"
#include "tls/server_context.h"

namespace herald::daemon {
namespace {

namespace asio = boost::asio;

http::ServerOptions HttpOptions(const config::Config& config) {
  http::ServerOptions options;
  options.listen = config.http.listen.ToString();
  options.body_limit = config.http.body_limit;
  options.read_timeout = config.http.read_timeout;
  options.idle_timeout = config.http.idle_timeout;
  return options;
}

// `resolver` is set in mx mode.
std::unique_ptr<delivery::Transport> MakeTransport(const config::Config& config, asio::io_context& io,
                                                   dns::Resolver* resolver) {
  if (config.delivery.mode == config::DeliveryMode::kCapture) return std::make_unique<delivery::CaptureTransport>();
  delivery::SmtpClientOptions smtp;
  smtp.ehlo_name = config.delivery.ehlo_name;
  const std::string& return_path_domain = config.delivery.return_path_domain;
  smtp.opportunistic_tls = config.delivery.opportunistic_tls;
  smtp.connect_timeout = config.delivery.connect_timeout;
  smtp.greeting_timeout = config.delivery.command_timeout;
  smtp.command_timeout = config.delivery.command_timeout;
  const size_t max_idle = static_cast<size_t>(config.delivery.concurrency);
  if (config.delivery.mode == config::DeliveryMode::kMx) {
    delivery::MxTransportOptions mx;
    mx.port = static_cast<uint16_t>(config.delivery.smtp_port);
    mx.smtp = smtp;
    mx.max_idle = max_idle;
    mx.return_path_domain = return_path_domain;
    for (const config::Config::Pool& pool : config.pools) {
      delivery::IpPool ip_pool{pool.name, {}, pool.ehlo_name};
      for (const std::string& address : pool.source_addresses)
        ip_pool.sources.push_back(asio::ip::make_address(address));  // checked by config
      mx.pools.push_back(std::move(ip_pool));
    }
    return std::make_unique<delivery::MxTransport>(io.get_executor(), *resolver, mx);
  }
  delivery::SmtpTarget target{config.delivery.relay->host, config.delivery.relay->port};
  return std::make_unique<delivery::RelayTransport>(io.get_executor(), target, smtp, return_path_domain,
                                                    std::chrono::seconds(20),
                                                    max_idle);
}

std::string DeliveryDescription(const config::Config& config) {
  switch (config.delivery.mode) {
    case config::DeliveryMode::kCapture:
      return "capture";
    case config::DeliveryMode::kRelay:
      return "relay to " + config.delivery.relay->ToString();
    case config::DeliveryMode::kMx:
      return "mx, port " + std::to_string(config.delivery.smtp_port);
  }
  return "?";
}

smtpd::ServerOptions SmtpOptions(const config::Config& config) {
  smtpd::ServerOptions options;
  if (config.smtp.submission_listen) options.listen = config.smtp.submission_listen->ToString();
  if (config.smtp.submissions_listen) options.implicit_tls_listen = config.smtp.submissions_listen->ToString();
  options.max_connections = static_cast<size_t>(config.smtp.max_connections);
  smtp::ServerOptions& protocol = options.session.protocol;
  protocol.hostname = config.smtp.hostname;
  protocol.max_message_bytes = config.smtp.max_message_size;
  protocol.max_recipients = static_cast<size_t>(config.smtp.max_recipients);
  protocol.max_errors = config.smtp.max_errors;
  protocol.max_junk_commands = config.smtp.max_junk_commands;
  options.session.command_timeout = config.smtp.command_timeout;
  options.session.data_timeout = config.smtp.data_timeout;
  return options;
}

// The inbound listener: the relay's session settings, its own size, recipient and connection limits.
smtpd::ServerOptions InboundOptions(const config::Config& config) {
  smtpd::ServerOptions options = SmtpOptions(config);
  options.listen = config.smtp.inbound.listen->ToString();
  options.implicit_tls_listen.reset();
  options.max_connections = static_cast<size_t>(config.smtp.inbound.max_connections);
  options.session.protocol.inbound = true;
  options.session.protocol.max_message_bytes = config.smtp.inbound.max_message_size;
  options.session.protocol.max_recipients = static_cast<size_t>(config.smtp.inbound.max_recipients);
  return options;
}

bool SmtpEnabled(const config::Config& config) {
  return config.smtp.submission_listen.has_value() || config.smtp.submissions_listen.has_value();
}

}  // namespace

int Serve(const CommonOptions& options) {
  config::LoadOptions load;
  load.data_dir = options.data_dir;
  load.config_file = options.config_file;
  load.sets = options.sets;
  auto loaded = config::LoadConfig(load);
  if (!loaded.ok()) {
    std::cerr << "herald serve: " << loaded.status().message() << "\n";
    return 2;
  }
  const config::Config& config = *loaded;
  SetupLogging({config.log.level, config.log.json});
  auto log = Logger("daemon");

  if (!std::filesystem::exists(config.storage.sqlite_path)) {
    log->error("no database at {}; run `herald init --data-dir {}` first", config.storage.sqlite_path, config.data_dir);
    return 1;
  }
  // The system clock; tests may move it forward (testing.adjustable_clock).
  AdjustableClock clock;
  auto opened = storage::OpenSqliteStore({config.storage.sqlite_path}, clock);
  if (!opened.ok()) {
    log->error("cannot open the store: {}", opened.status().ToString());
    return 1;
  }
  std::unique_ptr<storage::Store> store = std::move(*opened);

  queue::ScheduledQueue scheduled;
  auto recovered = queue::RecoverUnfinished(*store, scheduled, clock.Now());
  if (!recovered.ok()) {
    log->error("cannot read the queue: {}", recovered.status().ToString());
    return 1;
  }

  // The SMTP relay's certificate, checked before anything starts: without it the relay cannot serve.
  std::unique_ptr<asio::ssl::context> tls;
  if (SmtpEnabled(config)) {
    auto made = tls::MakeServerContext(config.tls.cert_file, config.tls.key_file);
    if (!made.ok()) {
      log->error("the SMTP relay needs TLS: {} (set tls.cert_file and tls.key_file, or run herald init)",
                 made.status().message());
      return 1;
    }
    tls = std::move(*made);
  } else if (config.smtp.inbound.listen) {
    // The inbound listener offers STARTTLS when it can; without a certificate it serves in clear.
    auto made = tls::MakeServerContext(config.tls.cert_file, config.tls.key_file);
    if (made.ok()) {
      tls = std::move(*made);
    } else {
      log->warn("the inbound listener offers no STARTTLS: {}", made.status().message());
    }
  }

  // Sending domains: the gate and the DKIM keys, loaded before anything can be accepted.
  auto domains = DomainsRuntime::Start(config, *store, clock);
  if (!domains.ok()) {
    log->error("cannot start sending domains: {}", domains.status().ToString());
    return 1;
  }

  // Webhooks: one thread, its own io_context, so that a slow receiver slows nothing else.
  auto webhooks = WebhooksRuntime::Start(config, *store, clock, (*domains)->secrets());
  if (!webhooks.ok()) {
    log->error("cannot start webhooks: {}", webhooks.status().ToString());
    return 1;
  }

  // Delivery: one thread, its own io_context. In mx mode, DNS through c-ares on that thread too.
  asio::io_context delivery_io(1);
  auto delivery_work = asio::make_work_guard(delivery_io);
  const bool mx = config.delivery.mode == config::DeliveryMode::kMx;
  std::unique_ptr<dns::AresResolver> ares;
  std::unique_ptr<dns::CachingResolver> resolver;
  std::unique_ptr<delivery::MxRouter> mx_router;
  if (mx) {
    auto made = dns::AresResolver::Create(delivery_io.get_executor(), ResolverOptionsOf(config));
    if (!made.ok()) {
      log->error("cannot start the DNS resolver: {}", made.status().ToString());
      return 1;
    }
    ares = std::move(*made);
    resolver = std::make_unique<dns::CachingResolver>(*ares, clock);
    mx_router = std::make_unique<delivery::MxRouter>(*resolver, delivery::TlsPolicy(config.delivery.tls_required_domains));
  }
  std::unique_ptr<delivery::Transport> transport = MakeTransport(config, delivery_io, resolver.get());
  delivery::DispatcherOptions dispatch;
  dispatch.concurrency = config.delivery.concurrency;
  // Relay and capture have one site, limited by the total alone.
  dispatch.site_concurrency = mx ? config.delivery.site_concurrency : config.delivery.concurrency;
  dispatch.retry = {config.delivery.retry_initial, config.delivery.retry_max, config.delivery.max_age};
  if (config.delivery.mode == config::DeliveryMode::kCapture) dispatch.site = "capture";
  if (config.delivery.mode == config::DeliveryMode::kRelay) dispatch.site = config.delivery.relay->ToString();
  // Rates per minute; a burst of one second's worth lets an idle site or pool start at once.
  auto per_minute = [](int count) { return shaping::Rate{count, Duration(60'000), std::max<int64_t>(1, count / 60)}; };
  if (mx && config.delivery.site_rate_limit > 0) dispatch.site_rate = per_minute(config.delivery.site_rate_limit);
  for (const config::Config::Pool& pool : config.pools) {
    if (pool.rate_limit > 0) dispatch.pool_rates.emplace(pool.name, per_minute(pool.rate_limit));
  }
  delivery::Dispatcher dispatcher(delivery_io, *store, scheduled, *transport, clock, dispatch, mx_router.get());
  // Once delivery has stopped: the resolver lets go of its sockets (they would keep the thread
  // running), then the thread may end.
  auto stop_delivery = [&] {
    asio::post(delivery_io, [&] {
      dispatcher.Stop([&] {
        ares.reset();
        delivery_work.reset();
      });
    });
  };
  asio::post(delivery_io, [&] { dispatcher.Start(); });
  std::thread delivery_thread([&] {
    NameThisThread("delivery");
    delivery_io.run();
  });

  // HTTP: the API on N threads.
  intake::Intake intake(*store, scheduled, (*domains)->directory(), clock, {config.messages.idempotency_window});
  api::Authenticator authenticator(*store, clock);
  std::atomic<bool> accepting{true};
  api::ApiContext context{*store, intake, authenticator, clock, accepting, &(*domains)->service(), &dispatcher};
  context.webhooks = &(*webhooks)->service();
  context.pools.clear();
  for (const config::Config::Pool& pool : config.pools) context.pools.push_back(pool.name);
  if (config.testing.adjustable_clock) {
    log->warn("testing.adjustable_clock is on: POST /v1/test/clock may move this daemon's clock; never use this in production");
    context.advance_clock = [&](Duration step) {
      clock.Advance(step);
      log->warn("clock moved forward by {} ms (testing.adjustable_clock)", step.count());
      dispatcher.Poke();
      (*webhooks)->Poke();
    };
  }
  // Tracking tokens are signed with a key derived from the data directory's secret key.
  const tracking::TokenCodec tracking((*domains)->secrets().DeriveKey("tracking"));
  context.tracking = &tracking;
  context.record_ip = tracking::ParseAddressPolicy(config.tracking.record_ip);
  http::Router router;
  api::RegisterRoutes(router, context);

  // The SMTP relay: on the HTTP threads, each session on its own strand.
  smtpd::RelayAccess relay_access(*store, clock);
  smtpd::AuthThrottle auth_throttle(clock, config.smtp.auth_failure_limit, config.smtp.auth_failure_window);

  int threads = config.http.threads > 0 ? config.http.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(threads, 1);
  asio::io_context http_io(threads);
  http::Server server(http_io, HttpOptions(config),
                      [&router](http::Request& request) { return router.Dispatch(request); });
  if (Status s = server.Start(); !s.ok()) {
    log->error("cannot listen on {}: {}", config.http.listen.ToString(), s.ToString());
    stop_delivery();
    delivery_thread.join();
    return 1;
  }

  intake.SetTracking(config.tracking.base_url.empty()
                         ? "http://" + config::HostPort{config.http.listen.host, server.port()}.ToString()
                         : config.tracking.base_url,
                     tracking);

  smtpd::SmtpServer smtp_server(http_io, SmtpOptions(config),
                                 {smtpd::RelayPolicies({relay_access, auth_throttle, intake}), tls.get()});
  // Bounces and complaints: the inbound listener, on the HTTP threads too.
  const reports::ReturnPathHosts return_paths((*domains)->directory(), config.domains.return_path_prefix,
                                              config.delivery.return_path_domain);
  reports::ReportRecorder recorder(*store, return_paths, clock, bounces::ReadLimits{});
  std::optional<smtpd::SmtpServer> inbound_server;
  if (config.smtp.inbound.listen)
    inbound_server.emplace(http_io, InboundOptions(config), smtpd::SessionServices{smtpd::InboundPolicies(recorder), tls.get()});
  Status smtp_started = smtp_server.Start();
  if (smtp_started.ok() && inbound_server) {
    smtp_started = inbound_server->Start();
    if (!smtp_started.ok()) smtp_server.Stop();
  }
  if (!smtp_started.ok()) {
    log->error("SMTP: {}", smtp_started.ToString());
    server.Stop();
    stop_delivery();
    http_io.run();
    delivery_thread.join();
    return 1;
  }

  asio::signal_set signals(http_io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log->info("signal {}: shutting down", signal);
    accepting = false;
    server.Stop();
    smtp_server.Stop();
    if (inbound_server) inbound_server->Stop();
    stop_delivery();
  });

  // The SMTP lines come first: "serving http://" is the line that says the daemon is ready.
  if (smtp_server.port() != 0) {
    log->info("serving smtp://{}:{} (SMTP relay, STARTTLS)", config.smtp.submission_listen->host, smtp_server.port());
  }
  if (smtp_server.implicit_tls_port() != 0) {
    log->info("serving smtps://{}:{} (SMTP relay, implicit TLS)", config.smtp.submissions_listen->host,
              smtp_server.implicit_tls_port());
  }
  if (inbound_server) {
    log->info("serving inbound smtp://{}:{} (bounces and complaints{})", config.smtp.inbound.listen->host,
              inbound_server->port(), tls ? ", STARTTLS" : "");
  }
  log->info("herald {} serving http://{}:{} (delivery: {}, {} messages resumed from the queue)", kVersion,
            config.http.listen.host, server.port(), DeliveryDescription(config), *recovered);

  std::vector<std::thread> http_threads;
  for (int i = 1; i < threads; ++i) {
    http_threads.emplace_back([&] {
      NameThisThread("http");
      http_io.run();
    });
  }
  http_io.run();  // the main thread too, under the process's name
  for (std::thread& t : http_threads) t.join();
  (*domains)->Stop();  // the API is done with the domain service
  (*webhooks)->Stop();  // and with the webhook service
  delivery_thread.join();
  log->info("stopped");
  return 0;
}

}  // namespace herald::daemon
