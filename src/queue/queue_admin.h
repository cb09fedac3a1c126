// QueueAdmin: what may be done to the delivery queue from outside it — see what waits where, make a
// waiting message due now, cancel one. The delivery dispatcher implements it; the API and so the CLI
// use it. It lives in queue/, below both, so that neither knows the other.
//
// The caller checks who may touch a message (its account) before asking: these operations are not
// tenant-scoped.
//
// Thread-safety: every method may be called from any thread. `done` runs exactly once, on the
// implementation's thread, and must be quick (AwaitCallback posts back to the caller's executor).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "core/message.h"

namespace herald::queue {

// Messages of one destination site in each state. The scheduled ones (queued, deferred) and those
// waiting for their MX lookup (routing) are counted under the site their domain was last routed to;
// a domain not routed since the start is under the site "" (not known yet).
struct SiteCounts {
  std::string site;
  size_t queued = 0;     // in the scheduled queue, never attempted
  size_t deferred = 0;   // in the scheduled queue, attempted before
  size_t routing = 0;    // due, waiting for their domain's route
  size_t ready = 0;      // due and routed, waiting for a free delivery slot
  size_t in_flight = 0;  // an attempt under way, its outcome not yet recorded
  // Recipient domains with messages scheduled or routing, and how many, most first.
  std::vector<std::pair<std::string, size_t>> domains;

  size_t total() const { return queued + deferred + routing + ready + in_flight; }
};

// The scheduler's own figures. A tick is one pass of its loop: take the due messages, route them,
// start the attempts that may start.
struct SchedulerStats {
  uint64_t ticks = 0;
  uint64_t total_tick_us = 0;
  uint64_t last_tick_us = 0;
  uint64_t max_tick_us = 0;
  size_t held = 0;          // messages in every state above
  size_t queue_bytes = 0;   // what the scheduled queue's structures take (ScheduledQueue::MemoryBytes)
};

struct QueueSnapshot {
  std::vector<SiteCounts> sites;  // sites with messages, in no particular order
  SchedulerStats scheduler;
};

// What came of a request about one message.
enum class AdminVerdict {
  kDone,        // cancelled, or due now (or it already was: routing or ready)
  kInFlight,    // an attempt is under way or its outcome is being recorded: ask again after it
  kFinished,    // it has already finished: `status` says how (cancel only)
  kNotWaiting,  // it is in none of the queue's states (retry only)
};

struct AdminAnswer {
  AdminVerdict verdict = AdminVerdict::kDone;
  std::optional<core::MessageStatus> status;  // the message's status afterwards, when known
};

class QueueAdmin {
 public:
  virtual ~QueueAdmin() = default;

  // Withdraws a waiting message wherever it waits, so that it is never attempted, and records it
  // `cancelled` with an event whose details are `details`. A message mid-attempt is left alone
  // (kInFlight). The store's record decides the rest: a message already finished is kFinished.
  // An error Status when the store could not record it (the message then waits as before).
  virtual void Cancel(std::string message_id, nlohmann::json details,
                      std::function<void(Result<AdminAnswer>)> done) = 0;
  // Makes a scheduled message due now. kDone also for a message already due (routing or ready).
  virtual void Retry(std::string message_id, std::function<void(Result<AdminAnswer>)> done) = 0;
  // Counts by site and state, and the scheduler's figures. Unavailable once delivery is stopping.
  virtual void Snapshot(std::function<void(Result<QueueSnapshot>)> done) = 0;
};

}  // namespace herald::queue
