#include "queue/scheduled_queue.h"

namespace herald::queue {

void ScheduledQueue::Schedule(QueuedMessage message) {
  std::function<void()> wakeup;
  {
    std::lock_guard lock(mutex_);
    bool earliest = heap_.empty() || message.due < heap_.top().due;
    heap_.push(std::move(message));
    if (earliest) wakeup = wakeup_;
  }
  if (wakeup) wakeup();
}

std::vector<QueuedMessage> ScheduledQueue::TakeDue(TimePoint now, size_t max) {
  std::vector<QueuedMessage> due;
  std::lock_guard lock(mutex_);
  while (!heap_.empty() && due.size() < max && heap_.top().due <= now) {
    due.push_back(heap_.top());
    heap_.pop();
  }
  return due;
}

std::optional<TimePoint> ScheduledQueue::NextDue() const {
  std::lock_guard lock(mutex_);
  if (heap_.empty()) return std::nullopt;
  return heap_.top().due;
}

size_t ScheduledQueue::size() const {
  std::lock_guard lock(mutex_);
  return heap_.size();
}

void ScheduledQueue::SetWakeup(std::function<void()> wakeup) {
  std::lock_guard lock(mutex_);
  wakeup_ = std::move(wakeup);
}

}  // namespace herald::queue
