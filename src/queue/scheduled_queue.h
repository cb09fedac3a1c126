// ScheduledQueue: messages waiting for the time of their next delivery attempt (STYLE habit 10:
// scheduling is separate from the per-destination ready queues and from shaping).
//
// Producers (intake after a durable commit, delivery after a deferral, recovery at start) call
// Schedule() from any thread. One consumer — the delivery dispatcher — calls TakeDue() and NextDue()
// and is told through the wake-up function when an earlier message arrives. A message is in the queue
// at most once as long as producers follow the rule that only its current owner schedules it.
//
// Thread-safety: all methods are safe to call concurrently. The wake-up function is called on the
// producer's thread, outside the lock; it must be quick (post to the consumer's executor).
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "base/clock.h"

namespace herald::queue {

struct QueuedMessage {
  std::string id;
  TimePoint due;
  int attempts = 0;  // attempts already made
  TimePoint created_at;
  std::string domain;  // the recipient's domain, lowercased: what MX delivery routes by
};

class ScheduledQueue {
 public:
  void Schedule(QueuedMessage message);
  // Removes and returns up to `max` messages due at or before `now`, earliest first.
  std::vector<QueuedMessage> TakeDue(TimePoint now, size_t max);
  // The earliest due time, if any message waits.
  std::optional<TimePoint> NextDue() const;
  size_t size() const;
  // Called after Schedule() whenever the earliest due time may have moved earlier.
  void SetWakeup(std::function<void()> wakeup);

 private:
  struct Later {
    bool operator()(const QueuedMessage& a, const QueuedMessage& b) const { return a.due > b.due; }
  };

  mutable std::mutex mutex_;
  std::priority_queue<QueuedMessage, std::vector<QueuedMessage>, Later> heap_;
  std::function<void()> wakeup_;
};

}  // namespace herald::queue
