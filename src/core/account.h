// Accounts (tenants) and their API keys (DESIGN §1).
//
// An API key is shown to its owner once; only its SHA-256 is stored. Scopes: `admin` may manage the
// account (and, on the operator's account, create accounts); `send` may only send and read messages.
//
// Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace herald::core {

// The IP pool that mail leaves through unless an account (later, a sending domain) names another.
inline constexpr std::string_view kDefaultPool = "transactional";

struct Account {
  std::string id;
  std::string name;
  bool is_operator = false;  // the account made by `herald init`: may create other accounts
  TimePoint created_at;
  std::string pool{kDefaultPool};  // the IP pool its mail leaves through (config pools.<name>)
};

enum class Scope { kAdmin, kSend };

std::string_view ToString(Scope scope);
std::optional<Scope> ParseScope(std::string_view text);

struct ApiKey {
  std::string id;
  std::string account_id;
  std::string name;
  Scope scope = Scope::kSend;
  std::string key_hash;  // Sha256Hex of the secret
  std::string prefix;    // the secret's first characters, to let people tell keys apart
  TimePoint created_at;
  std::optional<TimePoint> revoked_at;
};

}  // namespace herald::core
