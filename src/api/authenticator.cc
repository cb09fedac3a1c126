#include "api/authenticator.h"

#include "base/digest.h"

namespace herald::api {
namespace {

constexpr size_t kMaxCached = 100'000;

}  // namespace

Authenticator::Authenticator(storage::Store& store, const Clock& clock, Duration cache_for)
    : store_(store), clock_(clock), cache_for_(cache_for) {}

Result<Principal> Authenticator::Authenticate(std::string_view header) {
  constexpr std::string_view kBearer = "Bearer ";
  if (header.substr(0, kBearer.size()) != kBearer)
    return Status::Unauthenticated("missing Authorization: Bearer <api key>");
  std::string_view secret = header.substr(kBearer.size());
  if (secret.substr(0, kApiKeyPrefix.size()) != kApiKeyPrefix || secret.size() > 128)
    return Status::Unauthenticated("malformed API key");

  std::string hash = Sha256Hex(secret);
  TimePoint now = clock_.Now();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && it->second.until > now) return it->second.principal;
  }

  auto key = store_.FindApiKeyByHash(hash);
  if (!key.ok()) {
    if (key.status().code() == Code::kNotFound) return Status::Unauthenticated("unknown API key");
    return key.status();
  }
  if (key->revoked_at) return Status::Unauthenticated("revoked API key");
  auto account = store_.GetAccount(key->account_id);
  if (!account.ok()) return account.status();

  Principal principal{key->account_id, key->id, key->scope, account->is_operator, account->pool};
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kMaxCached) cache_.clear();
  cache_[hash] = Cached{principal, now + cache_for_};
  return principal;
}

void Authenticator::Forget(std::string_view key_id) {
  std::lock_guard lock(mutex_);
  std::erase_if(cache_, [&](const auto& entry) { return entry.second.principal.key_id == key_id; });
}

}  // namespace herald::api
