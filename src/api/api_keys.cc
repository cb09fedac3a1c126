#include "api/api_keys.h"

#include "api/authenticator.h"
#include "base/digest.h"
#include "base/random.h"

namespace herald::api {

NewApiKey MakeApiKey(std::string account_id, std::string name, core::Scope scope, TimePoint now) {
  NewApiKey made;
  made.secret = NewSecret(kApiKeyPrefix);
  core::ApiKey& key = made.key;
  key.id = NewId("key", now);
  key.account_id = std::move(account_id);
  key.name = std::move(name);
  key.scope = scope;
  key.key_hash = Sha256Hex(made.secret);
  key.prefix = made.secret.substr(0, kApiKeyPrefix.size() + 6);
  key.created_at = now;
  return made;
}

}  // namespace herald::api
