#include "queue/ready_queue.h"

namespace herald::queue {

void ReadyQueues::Push(const std::string& site, QueuedMessage message) {
  auto& fifo = sites_[site];
  if (fifo.empty()) turn_.push_back(site);
  fifo.push_back(std::move(message));
  ++size_;
}

std::optional<QueuedMessage> ReadyQueues::Pop() {
  if (turn_.empty()) return std::nullopt;
  std::string site = std::move(turn_.front());
  turn_.pop_front();
  auto it = sites_.find(site);
  QueuedMessage message = std::move(it->second.front());
  it->second.pop_front();
  if (it->second.empty()) {
    sites_.erase(it);
  } else {
    turn_.push_back(std::move(site));
  }
  --size_;
  return message;
}

}  // namespace herald::queue
