// The webhooks' moving parts in the daemon: the dispatcher that delivers events to the accounts'
// receivers, on a thread and io_context of its own (a receiver that hangs never slows intake or
// delivery), its TLS client context, and the service behind /v1/webhooks, which tells the dispatcher
// when webhooks change.
//
// Stop lets the dispatcher abandon its POSTs in flight (they stay in the outbox for the next start),
// waits for the attempts already made to be recorded, and joins the thread: call it once the API no
// longer serves requests, since those use the service.
//
// Thread-safety: Start and Stop from the daemon's main thread; Poke from any thread; the parts as
// their headers say.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <thread>

#include "base/clock.h"
#include "base/secret_box.h"
#include "config/config.h"
#include "storage/store.h"
#include "webhooks/dispatcher.h"
#include "webhooks/service.h"

namespace herald::daemon {

class WebhooksRuntime {
 public:
  // Errors: an unreadable webhooks.ca_file. `store`, `clock` and `secrets` must outlive the runtime.
  static Result<std::unique_ptr<WebhooksRuntime>> Start(const config::Config& config, storage::Store& store,
                                                        const Clock& clock, const SecretBox& secrets);
  ~WebhooksRuntime();

  webhooks::WebhookService& service() { return *service_; }
  // The clock moved (testing.adjustable_clock): deliveries due now go now.
  void Poke() { dispatcher_->Poke(); }

  void Stop();

 private:
  WebhooksRuntime();

  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_client};
  std::unique_ptr<webhooks::Dispatcher> dispatcher_;
  std::unique_ptr<webhooks::WebhookService> service_;
  std::thread thread_;
};

}  // namespace herald::daemon
