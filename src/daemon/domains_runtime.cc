#include "daemon/domains_runtime.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.h"
#include "base/thread_name.h"
#include "daemon/resolver_options.h"

namespace herald::daemon {
namespace {

namespace asio = boost::asio;

domains::ServiceSettings ServiceSettingsOf(const config::Config& config) {
  domains::ServiceSettings settings;
  settings.records = {config.domains.inbound_host, config.domains.return_path_prefix, config.domains.tracking_prefix,
                      config.domains.tracking_target, config.domains.spf_include};
  for (const config::Config::Pool& pool : config.pools)
    settings.pools[pool.name] = {pool.source_addresses, pool.ehlo_name};
  return settings;
}

}  // namespace

DomainsRuntime::DomainsRuntime(SecretBox secrets, const config::Config& config)
    : work_(asio::make_work_guard(io_)),
      secrets_(std::move(secrets)),
      directory_(std::make_unique<domains::DomainDirectory>(
          secrets_, domains::GateSettings{config.domains.allow_unverified, config.domains.marketing,
                                          config.domains.return_path_prefix})),
      timer_(io_) {}

Result<std::unique_ptr<DomainsRuntime>> DomainsRuntime::Start(const config::Config& config, storage::Store& store,
                                                              const Clock& clock) {
  Result<SecretBox> secrets = SecretBox::Load(config.storage.secret_key_file, /*create_if_missing=*/true);
  if (!secrets.ok()) return secrets.status();
  std::unique_ptr<DomainsRuntime> runtime(new DomainsRuntime(std::move(*secrets), config));
  auto resolver = dns::AresResolver::Create(runtime->io_.get_executor(), ResolverOptionsOf(config));
  if (!resolver.ok()) return resolver.status();
  runtime->resolver_ = std::move(*resolver);
  runtime->service_ = std::make_unique<domains::DomainService>(store, *runtime->resolver_, runtime->secrets_,
                                                               *runtime->directory_, clock, ServiceSettingsOf(config));
  HERALD_RETURN_IF_ERROR(runtime->service_->LoadDirectory());
  if (config.domains.allow_unverified) {
    Logger("domains")->warn(
        "domains.allow_unverified is on: mail is sent from domains that are not verified, unsigned when they are not "
        "registered; for development only, never in production");
  }
  asio::co_spawn(runtime->io_, runtime->RecheckLoop(config.domains.recheck_interval), asio::detached);
  runtime->thread_ = std::thread([io = &runtime->io_] {
    NameThisThread("domains");
    io->run();
  });
  return runtime;
}

asio::awaitable<void> DomainsRuntime::RecheckLoop(Duration interval) {
  while (!stopping_) {
    timer_.expires_after(interval);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_) break;
    co_await service_->RecheckAll();
  }
  // Nothing uses the resolver any more: it lets go of its sockets, and the thread may end.
  resolver_.reset();
  work_.reset();
}

void DomainsRuntime::Stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    stopping_ = true;
    timer_.cancel();
  });
  thread_.join();
}

DomainsRuntime::~DomainsRuntime() { Stop(); }

}  // namespace herald::daemon
