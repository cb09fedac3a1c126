#include "domains/directory.h"

#include "base/log.h"
#include "dns/idna.h"

namespace herald::domains {
namespace {

bool MatchesPattern(std::string_view name, std::string_view pattern) {
  if (pattern.starts_with("*.")) {
    std::string_view suffix = pattern.substr(1);  // ".shop.example"
    return name.size() > suffix.size() && name.ends_with(suffix);
  }
  return name == pattern;
}

Status Refused(std::string_view domain, std::string_view why) {
  return Status::PermissionDenied("sender domain " + std::string(domain) + " " + std::string(why));
}

}  // namespace

DomainDirectory::DomainDirectory(const SecretBox& secrets, GateSettings settings)
    : secrets_(secrets), settings_(std::move(settings)), snapshot_(std::make_shared<const Snapshot>()) {}

DomainDirectory::Entry DomainDirectory::MakeEntry(const core::SendingDomain& domain, const Snapshot* previous) const {
  Entry entry{domain.account_id, domain.purpose, domain.status, domain.pool, domain.revision, nullptr, ""};
  if (previous != nullptr) {
    auto known = previous->find(domain.name);
    if (known != previous->end() && known->second.revision == domain.revision &&
        known->second.account_id == domain.account_id) {
      entry.signer = known->second.signer;
      entry.signer_error = known->second.signer_error;
      return entry;
    }
  }
  std::vector<dkim::SigningKey> keys;
  for (const core::DkimKey& key : domain.keys) {
    if (key.state != core::DkimKeyState::kActive) continue;
    std::optional<dkim::Algorithm> algorithm = dkim::ParseAlgorithm(key.algorithm);
    Result<std::string> pem = secrets_.Open(key.sealed_private_key);
    if (!algorithm || !pem.ok()) {
      entry.signer_error = "DKIM key " + key.selector + " cannot be read: " +
                           (pem.ok() ? "unknown algorithm " + key.algorithm : pem.status().message());
      return entry;
    }
    keys.push_back({domain.name, key.selector, *algorithm, std::move(*pem)});
  }
  if (keys.empty()) return entry;
  Result<std::shared_ptr<const dkim::Signer>> signer = dkim::Signer::Create(std::move(keys));
  if (signer.ok()) {
    entry.signer = std::move(*signer);
  } else {
    entry.signer_error = signer.status().message();
  }
  return entry;
}

void DomainDirectory::Load(const std::vector<core::SendingDomain>& domains) {
  std::shared_ptr<const Snapshot> previous = Current();
  auto next = std::make_shared<Snapshot>();
  for (const core::SendingDomain& domain : domains) {
    Entry entry = MakeEntry(domain, previous.get());
    if (!entry.signer_error.empty())
      Logger("domains")->error("{}: cannot sign: {}", domain.name, entry.signer_error);
    next->insert_or_assign(domain.name, std::move(entry));
  }
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(next);
}

std::shared_ptr<const DomainDirectory::Snapshot> DomainDirectory::Current() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

bool DomainDirectory::IsFlaggedMarketing(std::string_view name) const {
  for (const std::string& pattern : settings_.marketing) {
    if (MatchesPattern(name, pattern)) return true;
  }
  return false;
}

std::optional<std::string> DomainDirectory::TransactionalOwner(std::string_view name) const {
  std::shared_ptr<const Snapshot> snapshot = Current();
  auto found = snapshot->find(std::string(name));
  if (found == snapshot->end() || found->second.purpose != core::DomainPurpose::kTransactional) return std::nullopt;
  return found->second.account_id;
}

Result<SendingIdentity> DomainDirectory::ForSending(std::string_view account_id, std::string_view from_domain) const {
  Result<std::string> ascii = dns::ToAsciiDomain(from_domain);
  if (!ascii.ok()) return Refused(from_domain, "is not a valid domain name");
  const std::string& name = *ascii;
  if (IsFlaggedMarketing(name)) return Refused(name, "is a marketing domain; transactional mail cannot be sent from it");

  std::shared_ptr<const Snapshot> snapshot = Current();
  auto found = snapshot->find(name);
  if (found == snapshot->end()) {
    if (settings_.allow_unverified) return SendingIdentity{};
    return Refused(name, "is not a verified domain of this account");
  }
  const Entry& entry = found->second;
  if (entry.purpose == core::DomainPurpose::kMarketing)
    return Refused(name, "is a marketing domain; transactional mail cannot be sent from it");
  if (entry.account_id != account_id) return Refused(name, "is not a domain of this account");
  if (entry.status != core::DomainStatus::kVerified && !settings_.allow_unverified)
    return Refused(name, "is not verified yet: publish its DNS records, then POST /v1/domains/" + name + "/verify");
  if (entry.signer == nullptr) return Refused(name, "cannot be signed now; the operator has been told");
  return SendingIdentity{entry.signer, settings_.return_path_prefix + "." + name, entry.pool};
}

}  // namespace herald::domains
