// Dispatcher: takes due messages from the scheduled queue, makes delivery attempts through the
// transport, and records each outcome (the qmgr of Herald: cleanup → qmgr → smtp in Postfix terms).
//
//   scheduled queue → ready queues (per site) → attempt → record (one durable commit) → done or again
//
// An attempt's outcome becomes the message's new status and events in one commit: `sent` on the
// first attempt, then `delivered`, `deferred` (scheduled again with backoff) or `failed`. A message
// is attempted by one coroutine at a time: only the dispatcher schedules it again, and only after its
// outcome is recorded.
//
// Thread-safety: runs on one single-threaded executor; Start and Stop must be called on it (or
// posted to it). The queue and the store may be fed from other threads.
#pragma once

#include <utility>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>

#include "base/clock.h"
#include "queue/backoff.h"
#include "queue/ready_queue.h"
#include "queue/scheduled_queue.h"
#include "delivery/transport.h"
#include "storage/store.h"

namespace herald::delivery {

struct DispatcherOptions {
  int concurrency = 16;  // attempts at once
  queue::RetryPolicy retry;
  std::string site;      // the destination all messages share until MX routing: "capture" or the relay
};

class Dispatcher {
 public:
  Dispatcher(boost::asio::io_context& io, storage::Store& store, queue::ScheduledQueue& queue,
             Transport& transport, const Clock& clock, DispatcherOptions options);

  void Start();
  // Stops taking messages, lets attempts in flight finish and record, closes the transport, then
  // calls `done` (on the dispatcher's executor). Messages still waiting stay stored for the next start.
  void Stop(std::function<void()> done);

  size_t in_flight() const { return in_flight_; }

 private:
  boost::asio::awaitable<void> Run();
  boost::asio::awaitable<void> Attempt(queue::QueuedMessage message);
  storage::AttemptRecord RecordOf(const queue::QueuedMessage& message, const AttemptResult& result,
                                 TimePoint started, TimePoint now) const;
  boost::asio::awaitable<void> Record(storage::AttemptRecord record, TimePoint created_at);
  void Wake();

  boost::asio::io_context& io_;
  storage::Store& store_;
  queue::ScheduledQueue& queue_;
  Transport& transport_;
  const Clock& clock_;
  DispatcherOptions options_;
  queue::ReadyQueues ready_;
  boost::asio::steady_timer wake_timer_;
  int in_flight_ = 0;
  bool stopping_ = false;
  std::function<void()> stopped_;
};

}  // namespace herald::delivery
