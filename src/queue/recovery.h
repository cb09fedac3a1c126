// Recovery: at start, every stored message that is not finished goes back into the scheduled queue
// (DESIGN §5: restart resumes the queue; nothing acknowledged is lost).
//
// Thread-safety: call once, before delivery starts consuming.
#pragma once

#include "base/status.h"
#include "queue/scheduled_queue.h"
#include "storage/store.h"

namespace herald::queue {

// Schedules every queued or deferred message of `store`; returns how many, or the store's error.
Result<size_t> RecoverUnfinished(storage::Store& store, ScheduledQueue& queue);

}  // namespace herald::queue
