#include "domains/service.h"

#include "base/await_callback.h"
#include "base/log.h"
#include "base/random.h"
#include "dns/idna.h"
#include "domains/keys.h"
#include "domains/verification.h"

namespace herald::domains {
namespace {

namespace asio = boost::asio;

// A change (verification, rotation) is made on a fresh read when the domain changed since it was read;
// this many times before the caller is told to try again.
constexpr int kChangeAttempts = 5;

Status KeptChanging(const std::string& name) {
  return Status::Unavailable("domain " + name + " kept changing while it was being changed; try again");
}

// A registrable domain name: A-labels, at least two labels, letters, digits and hyphens only.
Result<std::string> DomainName(std::string_view text) {
  Result<std::string> ascii = dns::ToAsciiDomain(text);
  if (!ascii.ok() || !dns::IsValidLookupName(*ascii) || ascii->find('.') == std::string::npos ||
      ascii->find('_') != std::string::npos || ascii->ends_with(".")) {
    return Status::InvalidArgument("\"" + std::string(text) + "\" is not a domain name such as shop.example");
  }
  return std::move(*ascii);
}

}  // namespace

DomainService::DomainService(storage::Store& store, dns::Resolver& resolver, const SecretBox& secrets,
                             DomainDirectory& directory, const Clock& clock, ServiceSettings settings)
    : store_(store),
      resolver_(resolver),
      secrets_(secrets),
      directory_(directory),
      clock_(clock),
      settings_(std::move(settings)) {}

Status DomainService::LoadDirectory() {
  std::lock_guard lock(load_mutex_);
  Result<std::vector<core::SendingDomain>> all = store_.ListAllDomains();
  if (!all.ok()) return all.status();
  directory_.Load(*all);
  return Status::Ok();
}

void DomainService::ReloadDirectory() {
  // The change is stored; a directory that fails to load keeps its last state and the next change or
  // re-check loads it again.
  Status loaded = LoadDirectory();
  if (!loaded.ok()) Logger("domains")->error("cannot reload the domain directory: {}", loaded.ToString());
}

PoolAddresses DomainService::AddressesOf(const std::string& pool) const {
  auto found = settings_.pools.find(pool);
  return found == settings_.pools.end() ? PoolAddresses{} : found->second;
}

asio::awaitable<Status> DomainService::Store(core::SendingDomain domain, std::vector<core::AccountEvent> events) {
  Status stored = co_await AwaitCallback<Status>(
      [&](auto done) { store_.UpdateDomain(std::move(domain), std::move(events), std::move(done)); });
  if (stored.ok()) {
    ReloadDirectory();
  }
  co_return stored;
}

asio::awaitable<Result<core::SendingDomain>> DomainService::Register(std::string account_id, std::string name,
                                                                     core::DomainPurpose purpose, std::string pool) {
  Result<std::string> ascii = DomainName(name);
  if (!ascii.ok()) co_return ascii.status();
  if (!settings_.pools.contains(pool)) co_return Status::InvalidArgument("pool is not a configured IP pool");
  if (purpose == core::DomainPurpose::kTransactional && directory_.IsFlaggedMarketing(*ascii))
    co_return Status::FailedPrecondition(*ascii + " is flagged as a marketing domain");

  const TimePoint now = clock_.Now();
  core::SendingDomain domain;
  domain.id = NewId("dom", now);
  domain.account_id = std::move(account_id);
  domain.name = std::move(*ascii);
  domain.purpose = purpose;
  domain.pool = std::move(pool);
  domain.created_at = now;
  if (purpose == core::DomainPurpose::kTransactional) {
    // Key generation (RSA-2048: tens of milliseconds) runs here, before the write: a domain is never
    // stored without its keys.
    Result<std::vector<core::DkimKey>> keys = NewDkimKeys(secrets_, {}, now, core::DkimKeyState::kActive);
    if (!keys.ok()) co_return keys.status();
    domain.keys = std::move(*keys);
    domain.records = ExpectedRecords(domain, AddressesOf(domain.pool), settings_.records);
  }
  Status created = co_await AwaitCallback<Status>([&](auto done) { store_.CreateDomain(domain, std::move(done)); });
  if (created.code() == Code::kAlreadyExists) {
    // Say whether it is a marketing registration; nothing else about whose it is.
    Result<std::vector<core::SendingDomain>> all = store_.ListAllDomains();
    bool marketing = false;
    if (all.ok()) {
      for (const core::SendingDomain& other : *all) {
        marketing = marketing || (other.name == domain.name && other.purpose == core::DomainPurpose::kMarketing);
      }
    }
    co_return Status::AlreadyExists(domain.name + (marketing ? " is registered as a marketing domain"
                                                             : " is already registered"));
  }
  if (!created.ok()) co_return created;
  domain.revision = 1;
  ReloadDirectory();
  Logger("domains")->info("{}: registered ({}) by account {}", domain.name, core::ToString(purpose),
                          domain.account_id);
  co_return domain;
}

asio::awaitable<Result<core::SendingDomain>> DomainService::CheckAndStore(std::string account_id, std::string name,
                                                                          std::string_view trigger) {
  for (int attempt = 0;; ++attempt) {
    Result<core::SendingDomain> domain = store_.GetDomain(account_id, name);
    if (!domain.ok()) co_return domain.status();
    if (domain->purpose == core::DomainPurpose::kMarketing) co_return std::move(*domain);  // nothing to check
    std::vector<core::DnsRecord> checked = co_await CheckRecords(domain->records, resolver_, clock_.Now());
    CheckOutcome outcome = ApplyCheck(std::move(*domain), std::move(checked), clock_.Now(), trigger);
    core::SendingDomain& next = outcome.domain;
    if (outcome.keys_changed) next.records = ExpectedRecords(next, AddressesOf(next.pool), settings_.records, next.records);
    for (const core::AccountEvent& event : outcome.events)
      Logger("domains")->info("{}: {}", next.name, event.type);
    Status stored = co_await Store(next, std::move(outcome.events));
    if (stored.ok()) {
      ++next.revision;
      co_return std::move(next);
    }
    // Changed meanwhile (a rotation, another verification, the periodic re-check): look again.
    if (stored.code() != Code::kFailedPrecondition) co_return stored;
    if (attempt + 1 == kChangeAttempts) co_return KeptChanging(name);
  }
}

asio::awaitable<Result<core::SendingDomain>> DomainService::Verify(std::string account_id, std::string name) {
  co_return co_await CheckAndStore(std::move(account_id), std::move(name), "request");
}

asio::awaitable<Result<core::SendingDomain>> DomainService::RotateDkim(std::string account_id, std::string name) {
  for (int attempt = 0;; ++attempt) {
    Result<core::SendingDomain> domain = store_.GetDomain(account_id, name);
    if (!domain.ok()) co_return domain.status();
    if (domain->purpose == core::DomainPurpose::kMarketing)
      co_return Status::FailedPrecondition(name + " is a marketing domain: it has no DKIM keys here");
    for (const core::DkimKey& key : domain->keys) {
      if (key.state == core::DkimKeyState::kPending)
        co_return Status::FailedPrecondition("a rotation of " + name + " already waits for its DNS records (selector " +
                                             key.selector + ")");
    }
    Result<std::vector<core::DkimKey>> keys =
        NewDkimKeys(secrets_, domain->keys, clock_.Now(), core::DkimKeyState::kPending);
    if (!keys.ok()) co_return keys.status();
    domain->keys.insert(domain->keys.end(), keys->begin(), keys->end());
    domain->records = ExpectedRecords(*domain, AddressesOf(domain->pool), settings_.records, domain->records);
    Status stored = co_await Store(*domain, {});
    if (stored.ok()) {
      ++domain->revision;
      Logger("domains")->info("{}: new DKIM keys {} and {} wait for their records", name, (*keys)[0].selector,
                              (*keys)[1].selector);
      co_return std::move(*domain);
    }
    // Changed meanwhile (a verification, the periodic re-check): rotate what is stored now.
    if (stored.code() != Code::kFailedPrecondition) co_return stored;
    if (attempt + 1 == kChangeAttempts) co_return KeptChanging(name);
  }
}

asio::awaitable<Status> DomainService::Remove(std::string account_id, std::string name) {
  Status removed = co_await AwaitCallback<Status>(
      [&](auto done) { store_.DeleteDomain(std::move(account_id), name, std::move(done)); });
  if (removed.ok()) {
    ReloadDirectory();
    Logger("domains")->info("{}: removed", name);
  }
  co_return removed;
}

asio::awaitable<void> DomainService::RecheckAll() {
  Result<std::vector<core::SendingDomain>> all = store_.ListAllDomains();
  if (!all.ok()) {
    Logger("domains")->warn("re-check skipped: {}", all.status().ToString());
    co_return;
  }
  for (const core::SendingDomain& domain : *all) {
    if (domain.purpose != core::DomainPurpose::kTransactional) continue;
    Result<core::SendingDomain> checked = co_await CheckAndStore(domain.account_id, domain.name, "recheck");
    if (!checked.ok()) Logger("domains")->warn("{}: re-check failed: {}", domain.name, checked.status().ToString());
  }
}

}  // namespace herald::domains
