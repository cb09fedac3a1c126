// Making API keys: a 256-bit secret shown once, of which only the SHA-256 is kept.
//
// Thread-safety: pure function (draws from the system's random source).
#pragma once

#include <string>

#include "core/account.h"

namespace herald::api {

struct NewApiKey {
  core::ApiKey key;    // what is stored
  std::string secret;  // what the caller is shown, once: "hk_…"
};

NewApiKey MakeApiKey(std::string account_id, std::string name, core::Scope scope, TimePoint now);

}  // namespace herald::api
