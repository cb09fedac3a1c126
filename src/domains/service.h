// DomainService: what the API does with sending domains (DESIGN §5) — register one with new DKIM
// keys and the records to publish, verify it through DNS, rotate its keys, remove it — and the
// periodic re-check of every domain. Each change is one store write (checked against the domain's
// revision, so a verification's slow lookups never undo a rotation made meanwhile), after which the
// DomainDirectory is reloaded, so the sending gate sees it at once.
//
// Errors (Status codes, for the API to name):
//   Register   InvalidArgument  not a domain name, or an unknown pool
//              FailedPrecondition  flagged as a marketing domain (transactional registration)
//              AlreadyExists    registered already, by any account (message says whether as marketing)
//   Verify, RotateDkim, Remove   NotFound (not this account's domain)
//   RotateDkim FailedPrecondition  a marketing domain, or a rotation already waiting for its records
//   any        the store's error
//
// Thread-safety: every method may be called concurrently from any executor.
#pragma once

// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/clock.h"
#include "base/secret_box.h"
#include "core/sending_domain.h"
#include "dns/resolver.h"
#include "domains/directory.h"
#include "domains/records.h"
#include "storage/store.h"

namespace herald::domains {

struct ServiceSettings {
  RecordSettings records;
  std::unordered_map<std::string, PoolAddresses> pools;  // every configured pool, by name
};

class DomainService {
 public:
  // `resolver` should not cache (see CheckRecords). Everything passed must outlive the service.
  DomainService(storage::Store& store, dns::Resolver& resolver, const SecretBox& secrets, DomainDirectory& directory,
                const Clock& clock, ServiceSettings settings);

  // Loads the directory from the store: at start, before anything is sent.
  Status LoadDirectory();

  boost::asio::awaitable<Result<core::SendingDomain>> Register(std::string account_id, std::string name,
                                                               core::DomainPurpose purpose, std::string pool);
  boost::asio::awaitable<Result<core::SendingDomain>> Verify(std::string account_id, std::string name);
  boost::asio::awaitable<Result<core::SendingDomain>> RotateDkim(std::string account_id, std::string name);
  boost::asio::awaitable<Status> Remove(std::string account_id, std::string name);

  // Verifies every transactional domain of every account again (trigger "recheck"); failures are
  // logged and the next round tries again.
  boost::asio::awaitable<void> RecheckAll();

 private:
  // Checks the domain's records and stores the outcome; retries from a fresh read when the domain
  // changed meanwhile.
  boost::asio::awaitable<Result<core::SendingDomain>> CheckAndStore(std::string account_id, std::string name,
                                                                    std::string_view trigger);
  PoolAddresses AddressesOf(const std::string& pool) const;
  void ReloadDirectory();
  boost::asio::awaitable<Status> Store(core::SendingDomain domain, std::vector<core::AccountEvent> events);

  storage::Store& store_;
  dns::Resolver& resolver_;
  const SecretBox& secrets_;
  DomainDirectory& directory_;
  const Clock& clock_;
  const ServiceSettings settings_;
  // Held while the directory is read from the store and put in place, so that a load which read
  // earlier (a re-check's, on the domains thread) never replaces one which read a later change.
  std::mutex load_mutex_;
};

}  // namespace herald::domains
