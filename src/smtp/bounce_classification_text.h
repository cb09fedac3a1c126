// The reply-text half of bounce classification (bounce_classification.h, rule 3): ordered groups of
// phrases, each naming a reason, matched as whole words against the text folded to lower-case
// ASCII letters and digits (every other byte separates words), so "User Unknown", "user-unknown"
// and "<x>... User unknown." all contain the phrase "user unknown". A phrase ending in '*' matches
// a word prefix ("throttl*": throttled, throttling).
//
// SECURITY: untrusted text; only the first kMaxClassifiedTextBytes are read.
// Thread-safety: pure function over an immutable table built once.
#pragma once

#include <optional>
#include <string_view>

#include "smtp/bounce_classification.h"

namespace herald::smtp {

struct TextReason {
  BounceReason reason;
  // True for phrases specific enough to be believed over a "firm" enhanced status code (a server
  // saying it throttles while sending 5.1.1).
  bool overrides_status_code = false;
};

// The reason named by the first group with a phrase in `text`, or nullopt.
std::optional<TextReason> ReasonFromText(std::string_view text);

}  // namespace herald::smtp
