#include "webhooks/retry.h"

#include <algorithm>
#include <cstdint>

#include "base/random.h"

namespace herald::webhooks {

std::optional<TimePoint> NextRetryAt(const RetryPolicy& policy, int attempts_made, TimePoint first_attempt_at,
                                     TimePoint now) {
  const TimePoint last = first_attempt_at + policy.max_age;
  if (now >= last) return std::nullopt;
  const int doublings = std::clamp(attempts_made - 1, 0, 40);
  int64_t wait = policy.initial.count();
  for (int i = 0; i < doublings && wait < policy.max.count(); ++i) wait *= 2;
  wait = std::min<int64_t>(wait, policy.max.count());
  uint32_t random = 0;
  RandomBytes(&random, sizeof random);
  wait += static_cast<int64_t>(static_cast<double>(wait) * 0.1 * (random / 4294967296.0));
  return std::min(now + Duration(std::max<int64_t>(wait, 1)), last);
}

}  // namespace herald::webhooks
