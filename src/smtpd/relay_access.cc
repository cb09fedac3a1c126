#include "smtpd/relay_access.h"

#include "base/digest.h"
#include "base/log.h"
#include "core/address.h"

namespace herald::smtpd {
namespace {

constexpr Duration kNoteEvery{60'000};

}  // namespace

RelayAccess::RelayAccess(storage::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<core::SmtpConnection> RelayAccess::Authenticate(std::string_view username, std::string_view password) {
  Result<core::SmtpConnection> found = store_.FindSmtpConnectionByUsername(username);
  // Hash even for an unknown user, so the answer takes the same time either way.
  std::string hash = Sha256Hex(password);
  if (!found.ok()) {
    if (found.status().code() == Code::kNotFound) return Status::Unauthenticated("invalid credentials");
    return Status::Unavailable("cannot check credentials: " + found.status().message());
  }
  if (!ConstantTimeEquals(hash, found->password_hash) || !found->enabled) {
    return Status::Unauthenticated("invalid credentials");
  }
  return found;
}

std::optional<core::SmtpConnection> RelayAccess::ForClientAddress(const core::IpAddress& client) {
  Result<std::vector<core::SmtpConnection>> listed = store_.ListTrustedSmtpConnections();
  if (!listed.ok()) {
    Logger("smtpd")->error("cannot read the trusted networks: {}", listed.status().ToString());
    return std::nullopt;
  }
  // The store keeps trusted networks from overlapping, so at most one matches.
  for (core::SmtpConnection& connection : *listed) {
    if (!connection.enabled) continue;
    for (const std::string& text : connection.trusted_networks) {
      Result<core::IpNetwork> network = core::IpNetwork::Parse(text);
      if (network.ok() && network->Contains(client)) return std::move(connection);
    }
  }
  return std::nullopt;
}

std::string RelayAccess::PoolOf(const std::string& account_id) {
  Result<core::Account> account = store_.GetAccount(account_id);
  if (account.ok()) return account->pool;
  Logger("smtpd")->error("cannot read account {}: {}", account_id, account.status().ToString());
  return std::string(core::kDefaultPool);
}

void RelayAccess::NoteUse(const core::SmtpConnection& connection) {
  TimePoint now = clock_.Now();
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = last_noted_.try_emplace(connection.id, now);
    if (!inserted) {
      if (now - it->second < kNoteEvery) return;
      it->second = now;
    }
  }
  std::string id = connection.id;
  store_.TouchSmtpConnection(connection.id, now, [id](Status s) {
    if (!s.ok() && s.code() != Code::kNotFound) Logger("smtpd")->warn("{}: cannot note its use: {}", id, s.ToString());
  });
}

bool RelayAccess::AllowsDomain(const core::SmtpConnection& connection, std::string_view domain) {
  std::string lower = core::AsciiLower(domain);
  for (const std::string& allowed : connection.domains) {
    if (allowed == lower) return true;
  }
  return false;
}

}  // namespace herald::smtpd
