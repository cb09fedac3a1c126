#include "daemon/webhooks_runtime.h"

#include <boost/asio/post.hpp>

#include "base/log.h"
#include "base/thread_name.h"

namespace herald::daemon {
namespace {

namespace asio = boost::asio;

webhooks::DispatcherOptions DispatcherOptionsOf(const config::Config& config) {
  webhooks::DispatcherOptions options;
  options.retry = {config.webhooks.retry_initial, config.webhooks.retry_max, config.webhooks.max_age};
  options.disable_after = config.webhooks.disable_after;
  options.concurrency = config.webhooks.concurrency;
  options.http.connect_timeout = config.webhooks.connect_timeout;
  options.http.response_timeout = config.webhooks.timeout;
  options.http.allow_private_networks = config.webhooks.allow_private_networks;
  options.http.max_idle_per_target = static_cast<size_t>(config.webhooks.concurrency);
  options.log_retention = config.webhooks.log_retention;
  return options;
}

}  // namespace

WebhooksRuntime::WebhooksRuntime() : work_(asio::make_work_guard(io_)) {}

Result<std::unique_ptr<WebhooksRuntime>> WebhooksRuntime::Start(const config::Config& config, storage::Store& store,
                                                                const Clock& clock, const SecretBox& secrets) {
  std::unique_ptr<WebhooksRuntime> runtime(new WebhooksRuntime());
  boost::system::error_code ec;
  runtime->tls_.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                                asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                                asio::ssl::context::no_tlsv1_1,
                            ec);
  runtime->tls_.set_default_verify_paths(ec);
  if (ec) Logger("webhooks")->warn("the system's trusted certificates cannot be loaded: {}", ec.message());
  if (!config.webhooks.ca_file.empty()) {
    runtime->tls_.load_verify_file(config.webhooks.ca_file, ec);
    if (ec) return Status::InvalidArgument("webhooks.ca_file " + config.webhooks.ca_file + ": " + ec.message());
  }
  if (config.webhooks.allow_private_networks) {
    Logger("webhooks")->warn("webhooks.allow_private_networks is on: webhooks may reach this machine and its network");
  }
  runtime->dispatcher_ = std::make_unique<webhooks::Dispatcher>(runtime->io_, store, secrets, clock, runtime->tls_,
                                                                DispatcherOptionsOf(config));
  runtime->service_ = std::make_unique<webhooks::WebhookService>(
      store, secrets, clock, config.webhooks.allow_private_networks,
      [dispatcher = runtime->dispatcher_.get()] { dispatcher->Reload(); });
  asio::post(runtime->io_, [dispatcher = runtime->dispatcher_.get()] { dispatcher->Start(); });
  runtime->thread_ = std::thread([io = &runtime->io_] {
    NameThisThread("webhooks");
    io->run();
  });
  return runtime;
}

void WebhooksRuntime::Stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] { dispatcher_->Stop([this] { work_.reset(); }); });
  thread_.join();
}

WebhooksRuntime::~WebhooksRuntime() { Stop(); }

}  // namespace herald::daemon
