#include "queue/recovery.h"

#include <algorithm>

#include "core/address.h"

namespace herald::queue {

Result<size_t> RecoverUnfinished(storage::Store& store, ScheduledQueue& queue, TimePoint now) {
  constexpr int kPage = 1000;
  size_t recovered = 0;
  std::string after;
  while (true) {
    auto page = store.ListUnfinished(after, kPage);
    if (!page.ok()) return page.status();
    for (storage::PendingMessage& pending : *page) {
      if (pending.attempts == 0) pending.due = std::min(pending.due, now);
      queue.Schedule(
          {pending.id, pending.due, pending.attempts, pending.created_at, core::DomainOf(pending.rcpt_to),
                      std::move(pending.pool)});
      after = std::move(pending.id);
      ++recovered;
    }
    if (page->size() < static_cast<size_t>(kPage)) return recovered;
  }
}

}  // namespace herald::queue
