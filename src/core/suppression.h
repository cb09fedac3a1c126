// A suppressed address (DESIGN §1): one an account's mail is not sent to — after a hard bounce, a
// complaint, or by hand — kept per account.
//
// Thread-safety: a plain value.
#pragma once

#include <optional>
#include <string>

#include "base/clock.h"

namespace herald::core {

struct Suppression {
  std::string account_id;
  std::string address;  // addr-spec, lowercased
  std::string reason;   // e.g. "user_unknown"
  std::string source;   // "hard_bounce"; later "complaint", "manual"
  std::optional<std::string> message_id;  // the message that caused it, when one did
  TimePoint created_at;
};

}  // namespace herald::core
