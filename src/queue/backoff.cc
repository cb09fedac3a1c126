#include "queue/backoff.h"

#include <algorithm>
#include <cstdint>

#include "base/random.h"

namespace herald::queue {

std::optional<TimePoint> NextAttemptAt(const RetryPolicy& policy, int attempts_made, TimePoint created_at,
                                       TimePoint now) {
  int doublings = std::clamp(attempts_made - 1, 0, 40);
  int64_t wait = policy.initial.count();
  for (int i = 0; i < doublings && wait < policy.max.count(); ++i) wait *= 2;
  wait = std::min(wait, static_cast<int64_t>(policy.max.count()));

  uint32_t random = 0;
  RandomBytes(&random, sizeof random);
  int64_t spread = wait / 10;
  if (spread > 0) wait += static_cast<int64_t>(random % static_cast<uint32_t>(spread + 1));

  TimePoint next = now + Duration(wait);
  if (next - created_at > policy.max_age) return std::nullopt;
  return next;
}

}  // namespace herald::queue
