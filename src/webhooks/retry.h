// When a failed webhook delivery is tried again: exponential backoff within a maximum age.
//
// After the n-th failed attempt the delivery waits initial × 2^(n-1), at most `max`, with up to 10%
// random spread (deliveries that failed together do not return together) — but never past its
// first attempt + `max_age`: the last attempt is made at that moment, and a failure then (or later)
// gives it up.
//
// Thread-safety: pure functions (the spread draws from the system's random source).
#pragma once

#include <optional>

#include "base/clock.h"

namespace herald::webhooks {

struct RetryPolicy {
  Duration initial{10'000};
  Duration max{3'600'000};
  Duration max_age{86'400'000};
};

// nullopt: give up (`now` has reached first_attempt_at + max_age).
std::optional<TimePoint> NextRetryAt(const RetryPolicy& policy, int attempts_made, TimePoint first_attempt_at,
                                     TimePoint now);

}  // namespace herald::webhooks
