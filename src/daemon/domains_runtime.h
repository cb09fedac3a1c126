// The sending domains' moving parts in the daemon (DESIGN §5): the key that seals DKIM private keys,
// the directory the sending gate reads, the service behind /v1/domains, and the periodic re-check of
// every domain's records.
//
// DNS lookups for verification go through a resolver of their own, without a cache (a record just
// published must be seen), on a thread of their own that also runs the re-check. Stop ends the
// re-check (waiting for one under way), lets the resolver go and joins the thread: call it once the
// API no longer serves requests, since those use the service.
//
// Thread-safety: Start and Stop from the daemon's main thread; the parts themselves as their headers say.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <thread>

#include "base/clock.h"
#include "base/secret_box.h"
#include "config/config.h"
#include "dns/ares_resolver.h"
#include "domains/directory.h"
#include "domains/service.h"
#include "storage/store.h"

namespace herald::daemon {

class DomainsRuntime {
 public:
  // Loads (or makes) the secret key, loads the directory from the store, starts the re-check.
  static Result<std::unique_ptr<DomainsRuntime>> Start(const config::Config& config, storage::Store& store,
                                                       const Clock& clock);
  ~DomainsRuntime();

  domains::DomainDirectory& directory() { return *directory_; }
  domains::DomainService& service() { return *service_; }
  const SecretBox& secrets() const { return secrets_; }

  void Stop();

 private:
  DomainsRuntime(SecretBox secrets, const config::Config& config);
  boost::asio::awaitable<void> RecheckLoop(Duration interval);

  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  SecretBox secrets_;
  std::unique_ptr<domains::DomainDirectory> directory_;
  std::unique_ptr<dns::AresResolver> resolver_;
  std::unique_ptr<domains::DomainService> service_;
  boost::asio::steady_timer timer_;
  bool stopping_ = false;  // on io_
  std::thread thread_;
};

}  // namespace herald::daemon
