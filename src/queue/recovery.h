// Recovery: at start, every stored message that is not finished goes back into the scheduled queue
// (DESIGN §5: restart resumes the queue; nothing acknowledged is lost).
//
// Thread-safety: call once, before delivery starts consuming.
#pragma once

#include "base/clock.h"
#include "base/status.h"
#include "queue/scheduled_queue.h"
#include "storage/store.h"

namespace herald::queue {

// Schedules every queued or deferred message of `store`; returns how many, or the store's error. A
// message never attempted is due at `now` at the latest: the clock that queued it may have been ahead of
// this one (a stepped clock), and a new message must not wait for it.
Result<size_t> RecoverUnfinished(storage::Store& store, ScheduledQueue& queue, TimePoint now);

}  // namespace herald::queue
