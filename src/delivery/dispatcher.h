// Dispatcher: takes due messages from the scheduled queue, routes them, makes delivery attempts
// through the transport, and records each outcome (the qmgr of Herald: cleanup → qmgr → smtp in
// Postfix terms).
//
//   scheduled queue → route (per recipient domain) → ready queues (per site) → attempt
//                   → record (one durable commit) → done or scheduled again
//
// Routing: with an MxRouter (MX delivery), the due messages of one recipient domain share one MX
// lookup (the resolver caches answers for their TTL) and go to the ready queue of their route's
// site — the set of MX hosts, shared by every domain a provider hosts. A route decided without
// trying (null MX, no such domain, DNS failure) still passes through the ready queue, under a site
// of its own, and its verdict is recorded like an attempt's result. Without a router (relay and
// capture) every message goes to the one site `options.site`.
//
// Shaping: at most `concurrency` attempts run at once in all, and at most `site_concurrency` to one
// site (a shaping::ConcurrencyLimiter slot per attempt, held until its outcome is recorded). The
// ready queues are served round-robin; a site at its limit is parked until one of its attempts ends,
// so one slow site never holds back the others. Due messages are taken from the scheduled queue
// only while fewer than kMaxWaiting wait in routing and the ready queues: a large backlog stays in
// the scheduled queue instead of being moved wholesale.
//
// An attempt's outcome becomes the message's new status and events in one commit (see
// delivery/attempt_outcome.h): `sent` on the first attempt, then `delivered`, `deferred` (scheduled
// again with backoff), `bounced` or `failed`. A message is attempted by one coroutine at a time:
// only the dispatcher schedules it again, and only after its outcome is recorded.
//
// Thread-safety: runs on one single-threaded executor; Start and Stop must be called on it (or
// posted to it). The queue and the store may be fed from other threads.
#pragma once

// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
// clang-format on

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "delivery/mx_router.h"
#include "delivery/route.h"
#include "delivery/transport.h"
#include "queue/backoff.h"
#include "queue/ready_queue.h"
#include "queue/scheduled_queue.h"
#include "shaping/concurrency_limiter.h"
#include "storage/store.h"

namespace herald::delivery {

struct DispatcherOptions {
  int concurrency = 16;       // attempts at once, in all
  int site_concurrency = 16;  // attempts at once to one site
  queue::RetryPolicy retry;
  std::string site;  // without a router: the one destination ("capture" or the relay)
};

class Dispatcher {
 public:
  // `router` (MX delivery) may be null: every message then goes to `options.site`. It must outlive
  // the dispatcher, like the store, queue, transport and clock.
  Dispatcher(boost::asio::io_context& io, storage::Store& store, queue::ScheduledQueue& queue,
             Transport& transport, const Clock& clock, DispatcherOptions options, MxRouter* router = nullptr);

  void Start();
  // Stops taking messages, lets lookups and attempts in flight finish and record, closes the
  // transport, then calls `done` (on the dispatcher's executor). Messages still waiting stay stored
  // for the next start.
  void Stop(std::function<void()> done);

  size_t in_flight() const { return limiter_.InUse(); }

  // Messages waiting for their route or in the ready queues at most; more due ones stay in the
  // scheduled queue.
  static constexpr size_t kMaxWaiting = 50'000;

 private:
  struct ReadyMessage {
    queue::QueuedMessage message;
    std::shared_ptr<const Route> route;
  };

  boost::asio::awaitable<void> Run();
  size_t waiting() const { return ready_.size() + routing_count_; }
  void RouteMessage(queue::QueuedMessage message);
  boost::asio::awaitable<void> Resolve(std::string domain);
  void StartAttempts();
  boost::asio::awaitable<void> Attempt(ReadyMessage ready, std::string site,
                                       shaping::ConcurrencyLimiter::Lease lease);
  boost::asio::awaitable<AttemptResult> Try(const queue::QueuedMessage& message, const Route& route,
                                            TimePoint started, bool& rescheduled);
  boost::asio::awaitable<void> Record(storage::AttemptRecord record, const queue::QueuedMessage& message);
  void Wake();

  boost::asio::io_context& io_;
  storage::Store& store_;
  queue::ScheduledQueue& queue_;
  Transport& transport_;
  const Clock& clock_;
  DispatcherOptions options_;
  MxRouter* router_;
  std::shared_ptr<const Route> fixed_route_;  // without a router
  // Recipient domain → its messages waiting for the route.
  std::unordered_map<std::string, std::vector<queue::QueuedMessage>> routing_;
  size_t routing_count_ = 0;
  shaping::ConcurrencyLimiter limiter_;
  queue::ReadyQueues<ReadyMessage> ready_;
  boost::asio::steady_timer wake_timer_;
  int busy_ = 0;  // coroutines started by Run that have not ended yet
  bool stopping_ = false;
  std::function<void()> stopped_;
};

}  // namespace herald::delivery
