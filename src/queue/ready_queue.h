// ReadyQueues: messages whose time has come, one FIFO per destination site, served round-robin so
// that one slow or busy destination never starves the others.
//
// Thread-safety: none; owned and used by the delivery dispatcher's single executor.
#pragma once

#include <deque>
#include <list>
#include <map>
#include <optional>
#include <string>

#include "queue/scheduled_queue.h"

namespace herald::queue {

class ReadyQueues {
 public:
  void Push(const std::string& site, QueuedMessage message);
  // The next message, taking each non-empty site in turn; nullopt when all are empty.
  std::optional<QueuedMessage> Pop();
  size_t size() const { return size_; }

 private:
  std::map<std::string, std::deque<QueuedMessage>> sites_;
  std::list<std::string> turn_;  // sites with waiting messages, in serving order
  size_t size_ = 0;
};

}  // namespace herald::queue
