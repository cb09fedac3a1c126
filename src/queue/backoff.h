// Retry timing for deferred messages: exponential backoff up to a ceiling, within a maximum age.
//
// Thread-safety: pure functions over a value.
#pragma once

#include <optional>

#include "base/clock.h"

namespace herald::queue {

struct RetryPolicy {
  Duration initial{60'000};          // wait after the first failed attempt
  Duration max{4 * 3'600'000};       // longest wait between attempts
  Duration max_age{5 * 86'400'000};  // after this long since acceptance, give up
};

// When to try again after `attempts_made` attempts (≥ 1) failed temporarily: initial × 2^(n-1),
// capped at `max`, with up to 10% random spread so that messages deferred together don't return
// together. nullopt when that time would be past the message's maximum age: it fails instead.
std::optional<TimePoint> NextAttemptAt(const RetryPolicy& policy, int attempts_made, TimePoint created_at,
                                       TimePoint now);

}  // namespace herald::queue
