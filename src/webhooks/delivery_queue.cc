#include "webhooks/delivery_queue.h"

#include <cassert>

namespace herald::webhooks {

void DeliveryQueue::Add(storage::WebhookDelivery delivery) {
  const std::string message_id = delivery.message_id;
  std::deque<storage::WebhookDelivery>& line = lines_[message_id];
  line.push_back(std::move(delivery));
  ++size_;
  if (line.size() == 1 && !busy_.contains(message_id)) Offer(message_id);
}

void DeliveryQueue::Offer(const std::string& message_id) {
  const storage::WebhookDelivery& first = lines_.at(message_id).front();
  heads_.emplace(first.next_attempt_at, first.event_id, message_id);
}

std::optional<storage::WebhookDelivery> DeliveryQueue::Take(TimePoint now) {
  if (heads_.empty() || std::get<0>(*heads_.begin()) > now) return std::nullopt;
  const std::string message_id = std::get<2>(*heads_.begin());
  heads_.erase(heads_.begin());
  busy_.insert(message_id);
  ++in_flight_;
  return lines_.at(message_id).front();
}

std::optional<TimePoint> DeliveryQueue::NextDue() const {
  if (heads_.empty()) return std::nullopt;
  return std::get<0>(*heads_.begin());
}

void DeliveryQueue::Finish(const std::string& message_id, std::optional<storage::WebhookDelivery> retry) {
  auto line = lines_.find(message_id);
  auto busy = busy_.find(message_id);
  if (line == lines_.end() || busy == busy_.end()) return;  // cleared meanwhile
  busy_.erase(busy);
  --in_flight_;
  if (retry) {
    assert(retry->event_id == line->second.front().event_id);
    line->second.front() = std::move(*retry);
  } else {
    line->second.pop_front();
    --size_;
  }
  if (line->second.empty()) {
    lines_.erase(line);
    return;
  }
  Offer(message_id);
}

void DeliveryQueue::Clear() {
  lines_.clear();
  busy_.clear();
  heads_.clear();
  size_ = 0;
  in_flight_ = 0;
}

}  // namespace herald::webhooks
