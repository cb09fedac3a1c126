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
// site (a shaping::ConcurrencyLimiter slot per attempt, held until its outcome is recorded); at most
// `site_rate` messages per period to one site and `pool_rates` through one IP pool (GCRA,
// shaping::RateLimiter). There is one ready queue per IP pool and site, so a pool at its rate limit
// holds back no other pool's mail. The ready queues are served round-robin; one whose site is at its
// concurrency limit is parked until an attempt to that site ends, one held by a rate limit until the
// time the limiter names, so one slow site never holds back the others. Due messages are taken from the
// scheduled queue only while fewer than kMaxWaiting wait in routing and the ready queues: a large backlog
// stays in the scheduled queue instead of being moved wholesale.
//
// An attempt's outcome becomes the message's new status and events in one commit (see
// delivery/attempt_outcome.h): `sent` on the first attempt, then `delivered`, `deferred` (scheduled
// again with backoff), `bounced` or `failed`. A message is attempted by one coroutine at a time:
// only the dispatcher schedules it again, and only after its outcome is recorded.
//
// Administration (queue::QueueAdmin, dispatcher_admin.cc): Cancel, Retry and Snapshot may be called
// from any thread and run on the executor. A cancelled message is withdrawn from wherever it waits —
// the scheduled queue, routing, a ready queue — before the store records it `cancelled`, so it is
// never attempted; a message mid-attempt (until its outcome is recorded) is left alone.
//
// Thread-safety: runs on one single-threaded executor; Start and Stop must be called on it (or
// posted to it). The queue and the store may be fed from other threads; the administration methods
// may be called from any thread.
#pragma once

// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
// clang-format on

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/clock.h"
#include "delivery/mx_router.h"
#include "delivery/route.h"
#include "delivery/transport.h"
#include "queue/backoff.h"
#include "queue/queue_admin.h"
#include "queue/ready_queue.h"
#include "queue/scheduled_queue.h"
#include "shaping/concurrency_limiter.h"
#include "shaping/rate_limiter.h"
#include "storage/store.h"

namespace herald::delivery {

struct DispatcherOptions {
  int concurrency = 16;       // attempts at once, in all
  int site_concurrency = 16;  // attempts at once to one site
  queue::RetryPolicy retry;
  std::string site;                        // without a router: the one destination ("capture" or the relay)
  std::optional<shaping::Rate> site_rate;  // per site; none: no limit
  std::unordered_map<std::string, shaping::Rate> pool_rates;  // per IP pool that has a limit
};

class Dispatcher final : public queue::QueueAdmin {
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

  // Makes the dispatcher look at its queue and the clock again (after a message was scheduled, or a test
  // moved the clock). Any thread.
  void Poke();

  // queue::QueueAdmin. Once delivery has stopped they answer Unavailable.
  void Cancel(std::string message_id, nlohmann::json details,
              std::function<void(Result<queue::AdminAnswer>)> done) override;
  void Retry(std::string message_id, std::function<void(Result<queue::AdminAnswer>)> done) override;
  void Snapshot(std::function<void(Result<queue::QueueSnapshot>)> done) override;

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
  // How long Run may sleep, from `now`, before a message of the queue is due.
  Duration SleepForQueue(TimePoint now) const;
  void RouteMessage(queue::QueuedMessage message);
  boost::asio::awaitable<void> Resolve(std::string domain);
  void StartAttempts();
  boost::asio::awaitable<void> Attempt(ReadyMessage ready, std::string site,
                                       shaping::ConcurrencyLimiter::Lease lease);
  // The attempt's result; nullopt when there is nothing for the caller to record: the message is gone,
  // was put back for later, or its recipient was suppressed meanwhile (recorded here).
  boost::asio::awaitable<std::optional<AttemptResult>> Try(const queue::QueuedMessage& message,
                                                           const Route& route, TimePoint started);
  boost::asio::awaitable<void> Record(storage::AttemptRecord record, const queue::QueuedMessage& message);
  void Wake();

  // Administration, on the executor (dispatcher_admin.cc).
  using AdminDone = std::function<void(Result<queue::AdminAnswer>)>;
  // Runs `task` on the executor; false once delivery has stopped (it will not run).
  bool PostAdmin(std::function<void()> task);
  void CloseAdmin();
  void CancelHere(std::string message_id, nlohmann::json details, AdminDone done);
  void RetryHere(const std::string& message_id, AdminDone done);
  queue::QueueSnapshot SnapshotHere();
  // Takes a due message out of routing or the ready queues.
  std::optional<queue::QueuedMessage> WithdrawWaiting(const std::string& message_id);
  bool IsWaiting(const std::string& message_id) const;
  // Remembers where `domain` was routed, for the snapshot, forgetting domains no longer queued when
  // the memory grows.
  void NoteRoute(const std::string& domain, const std::string& site);
  void CountTick(std::chrono::steady_clock::duration took);

  // Shaping. A ready queue's key is "<pool>|<site>".
  static std::string ReadyKey(const std::string& pool, const std::string& site);
  static std::string SiteOfKey(const std::string& key);
  // Whether the ready queue `key` may start an attempt now; takes from its rate limits when it may.
  // When it may not, remembers why, so that it is unparked when that changes.
  bool MayServe(const std::string& key);
  void UnparkRateWaiters();
  void UnparkSlotWaiters(const std::string& site);

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
  shaping::RateLimiter rates_;  // keys "site:<site>" and "pool:<pool>", each with its own rate
  std::unordered_map<std::string, std::vector<std::string>> slot_waiters_;  // site → keys parked for a slot
  // Keys parked by a rate limit, by when they may go (steady time: a wall-clock step changes nothing).
  std::multimap<std::chrono::steady_clock::time_point, std::string> rate_waiters_;
  boost::asio::steady_timer wake_timer_;
  // The steady time (ticks since its epoch) by which Run looks at the queue without a Poke.
  static constexpr std::chrono::steady_clock::rep kNever =
      std::numeric_limits<std::chrono::steady_clock::rep>::max();
  std::atomic<std::chrono::steady_clock::rep> looks_by_{kNever};
  // Message id → its site, from the start of its attempt until its outcome is recorded.
  std::unordered_map<std::string, std::string> in_flight_;
  std::unordered_set<std::string> cancelling_;  // ids whose cancellation the store is recording
  std::unordered_map<std::string, std::string> site_of_domain_;  // recipient domain → last routed site
  size_t forget_domains_at_ = 0;  // site_of_domain_'s size that triggers forgetting
  queue::SchedulerStats stats_;
  std::mutex admin_mutex_;
  bool admin_closed_ = false;  // guarded by admin_mutex_: delivery has stopped
  int busy_ = 0;  // coroutines started by Run, and cancellations being recorded, that have not ended yet
  bool stopping_ = false;
  std::function<void()> stopped_;
};

}  // namespace herald::delivery
