// Authenticator: turns "Authorization: Bearer <api key>" into the Principal acting — the account
// and scope every query is then confined to.
//
// Keys are looked up by their SHA-256 (only hashes are stored). Answers are cached for a few
// seconds so the hot path does not read the store per request; revoking a key through this process
// forgets it at once (Forget), and the cache's time limit bounds how long another node could still
// honour it.
//
// Thread-safety: all methods may be called concurrently. Untrusted input: the header value.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"
#include "base/status.h"
#include "core/account.h"
#include "storage/store.h"

namespace herald::api {

struct Principal {
  std::string account_id;
  std::string key_id;
  core::Scope scope = core::Scope::kSend;
  bool is_operator = false;
  std::string pool;  // the account's IP pool
};

inline constexpr std::string_view kApiKeyPrefix = "hk_";

class Authenticator {
 public:
  Authenticator(storage::Store& store, const Clock& clock, Duration cache_for = Duration(5000));

  // Unauthenticated for a missing, malformed, unknown or revoked key.
  Result<Principal> Authenticate(std::string_view authorization_header);
  // Drops a key from the cache (after revoking it).
  void Forget(std::string_view key_id);

 private:
  struct Cached {
    Principal principal;
    TimePoint until;
  };

  storage::Store& store_;
  const Clock& clock_;
  Duration cache_for_;
  std::mutex mutex_;
  std::unordered_map<std::string, Cached> cache_;  // by key hash
};

}  // namespace herald::api
