// Dispatcher: tells each webhook, by signed HTTP POSTs, of the events of its account's messages
// (DESIGN §1 webhook, §3 "… → event → statistics, webhooks, …").
//
//   events ──(poll: new ids? whose accounts?)──▶ fan-out per webhook: match types, build payloads,
//     queue the deliveries and move the cursor in ONE commit ──▶ DeliveryQueue (per message, in order)
//     ──▶ POST (HttpClient, signed) ──▶ log the attempt; done, retry later, or give up
//
// Durability: a webhook's cursor and its queued deliveries move together, and a delivery leaves the
// outbox in the commit that logs its last attempt, so after a crash (kill -9 included) the dispatcher
// resumes where it was: every matched event is delivered at least once, twice only when the crash
// fell between a receiver's 2xx and the commit of its log entry. Attempts are recorded in batches
// (one write in flight; what finishes meanwhile goes in the next), without holding up the next POST.
//
// Order and fairness: a message's events reach a webhook one at a time, in order (DeliveryQueue);
// up to `concurrency` POSTs run at once per webhook, one only while it is failing (a receiver that
// is down is probed, not flooded). A webhook holds at most `max_queued` deliveries; beyond that its
// cursor waits (the events are durable already), so memory and the outbox stay bounded.
//
// Failures: a non-2xx answer, a timeout, a refused connection or an address not allowed is retried
// (retry.h: exponential backoff; given up `retry.max_age` after its first attempt). A webhook with no
// successful delivery for `disable_after` is disabled, with an account event `webhook.disabled`;
// what it had waiting stays in the outbox for when it is enabled again.
//
// Isolation: the dispatcher runs on an executor of its own; a receiver that hangs holds only its own
// webhook's POSTs (each bounded by the client's time limits), never message intake or delivery. Its
// store writes share the store's group commit with everything else.
//
// Secrets: opened from their sealed form when a webhook is loaded, kept in memory only, never logged.
//
// Thread-safety: runs on one single-threaded executor; Start and Stop must be called on it (or
// posted to it). Reload and Poke may be called from any thread.
#pragma once

// clang-format off
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
// clang-format on

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/secret_box.h"
#include "storage/store.h"
#include "webhooks/delivery_queue.h"
#include "webhooks/http_client.h"
#include "webhooks/retry.h"
#include "webhooks/url.h"

namespace herald::webhooks {

struct DispatcherOptions {
  RetryPolicy retry;
  Duration disable_after{86'400'000};  // no successful delivery for this long disables a webhook
  int concurrency = 8;                 // POSTs at once per webhook
  HttpClientOptions http;
  Duration poll_interval{50};          // how often the events are looked at for new ones
  int fan_out_batch = 500;             // events matched per commit
  size_t max_queued = 10'000;          // deliveries waiting per webhook before its cursor waits
  Duration log_retention{30LL * 86'400'000};  // delivery log entries older than this are deleted
  Duration prune_interval{3'600'000};
};

// Counters for tests and metrics.
struct DispatcherStats {
  uint64_t attempts = 0;
  uint64_t delivered = 0;
  uint64_t gave_up = 0;
  uint64_t disabled = 0;
};

class Dispatcher {
 public:
  // Everything passed must outlive the dispatcher; `tls` verifies the receivers' certificates.
  Dispatcher(boost::asio::io_context& io, storage::Store& store, const SecretBox& secrets, const Clock& clock,
             boost::asio::ssl::context& tls, DispatcherOptions options);
  ~Dispatcher();

  void Start();
  // Stops taking work, abandons the POSTs in flight (their deliveries stay in the outbox, to be made
  // after the next start), waits for the attempts already finished to be recorded, then calls `done`
  // on the executor.
  void Stop(std::function<void()> done);

  // The webhooks changed (created, changed, deleted): read them again. Any thread.
  void Reload();
  // Look at the clock again (after a test moved it). Any thread.
  void Poke();

  DispatcherStats stats() const { return stats_; }  // on the executor

 private:
  struct Hook;

  boost::asio::awaitable<void> Run();
  void ReloadHooks();
  std::shared_ptr<Hook> LoadHook(const core::Webhook& webhook);
  void PollEvents();
  boost::asio::awaitable<void> FanOut(std::shared_ptr<Hook> hook);
  size_t ConcurrencyOf(const Hook& hook) const;
  void StartDeliveries(const std::shared_ptr<Hook>& hook);
  boost::asio::awaitable<void> Deliver(std::shared_ptr<Hook> hook, storage::WebhookDelivery delivery);
  void Finished(const std::shared_ptr<Hook>& hook, const storage::WebhookDelivery& delivery,
                storage::WebhookAttempt attempt);
  void Disable(const std::shared_ptr<Hook>& hook, TimePoint now);
  boost::asio::awaitable<void> Prune();
  void Record(storage::WebhookAttempt attempt);
  void FlushRecords(bool even_if_busy = false);
  void Spawn(boost::asio::awaitable<void> task);
  void Wake();
  void MaybeStopped();

  boost::asio::io_context& io_;
  storage::Store& store_;
  const SecretBox& secrets_;
  const Clock& clock_;
  const DispatcherOptions options_;
  HttpClient http_;
  boost::asio::steady_timer wake_timer_;

  std::map<std::string, std::shared_ptr<Hook>> hooks_;  // enabled webhooks, by id
  int64_t seen_event_id_ = -1;                          // the newest event id the poll has looked at
  std::chrono::steady_clock::time_point next_poll_{};
  std::chrono::steady_clock::time_point next_prune_{};
  bool reload_ = false;
  bool wake_pending_ = false;  // Wake() was called since the loop last looked

  std::vector<storage::WebhookAttempt> pending_records_;
  int record_writes_ = 0;    // RecordWebhookAttempts and DisableWebhook writes not yet completed
  int busy_ = 0;             // coroutines started and not yet ended
  bool started_ = false;
  bool stopping_ = false;
  std::function<void()> stopped_;
  DispatcherStats stats_;
};

}  // namespace herald::webhooks
