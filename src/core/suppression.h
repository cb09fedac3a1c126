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
  std::string reason;   // e.g. "user_unknown" (a bounce), "abuse" (a complaint), or the caller's words
  std::string source;   // "bounce", "complaint" or "manual"
  std::optional<std::string> message_id;  // the message that caused it, when one did
  TimePoint created_at;
};

}  // namespace herald::core
