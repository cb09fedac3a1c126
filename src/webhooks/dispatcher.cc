#include "webhooks/dispatcher.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <exception>

#include "base/await_callback.h"
#include "base/log.h"
#include "base/time_format.h"
#include "webhooks/payload.h"
#include "webhooks/signature.h"

namespace herald::webhooks {

namespace asio = boost::asio;

namespace {

constexpr int kOutboxPage = 1000;
constexpr int kPruneBatch = 5000;

auto Log() { return Logger("webhooks"); }

int64_t UnixSeconds(TimePoint t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); }

}  // namespace

// One enabled webhook as the dispatcher works it. Shared with the coroutines working on it, so one
// that is deleted or disabled meanwhile (`removed`) stays valid until they end.
struct Dispatcher::Hook {
  core::Webhook config;
  WebhookUrl url;
  std::string secret;  // opened; never logged
  DeliveryQueue queue;
  int64_t cursor = 0;  // moves with each committed fan-out
  bool dirty = true;   // there may be events after the cursor
  bool fanning_out = false;
  bool disabling = false;  // its DisableWebhook write is under way
  bool stale = false;      // the store's view moved past this one (a fan-out was refused): load afresh
  bool removed = false;
  std::optional<TimePoint> failing_since;
};

Dispatcher::Dispatcher(asio::io_context& io, storage::Store& store, const SecretBox& secrets, const Clock& clock,
                       asio::ssl::context& tls, DispatcherOptions options)
    : io_(io),
      store_(store),
      secrets_(secrets),
      clock_(clock),
      options_(std::move(options)),
      http_(io.get_executor(), tls, options_.http),
      wake_timer_(io) {}

Dispatcher::~Dispatcher() = default;

void Dispatcher::Start() {
  started_ = true;
  next_prune_ = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  Spawn(Run());
}

void Dispatcher::Stop(std::function<void()> done) {
  stopping_ = true;
  stopped_ = std::move(done);
  wake_timer_.cancel();
  http_.Close();  // the POSTs in flight end now; their deliveries stay in the outbox
  FlushRecords();
  MaybeStopped();
}

void Dispatcher::Reload() {
  asio::post(io_, [this] {
    reload_ = true;
    Wake();
  });
}

void Dispatcher::Poke() {
  asio::post(io_, [this] { Wake(); });
}

void Dispatcher::Wake() {
  wake_pending_ = true;  // seen by the loop even when it is not waiting on the timer right now
  wake_timer_.cancel();
}

void Dispatcher::Spawn(asio::awaitable<void> task) {
  ++busy_;
  asio::co_spawn(io_, std::move(task), [this](std::exception_ptr error) {
    --busy_;
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        Log()->error("a webhook task failed: {}", e.what());
      } catch (...) {
        Log()->error("a webhook task failed");
      }
    }
    MaybeStopped();
  });
}

void Dispatcher::MaybeStopped() {
  if (!stopping_ || !stopped_ || busy_ > 0 || record_writes_ > 0 || !pending_records_.empty()) return;
  auto done = std::move(stopped_);
  stopped_ = nullptr;
  done();
}

asio::awaitable<void> Dispatcher::Run() {
  ReloadHooks();
  while (!stopping_) {
    if (reload_) {
      reload_ = false;
      ReloadHooks();
    }
    const auto steady_now = std::chrono::steady_clock::now();
    if (steady_now >= next_poll_) {
      next_poll_ = steady_now + options_.poll_interval;
      PollEvents();
    }
    if (steady_now >= next_prune_) {
      next_prune_ = steady_now + options_.prune_interval;
      Spawn(Prune());
    }
    const TimePoint now = clock_.Now();
    Duration wait = options_.poll_interval;
    for (auto& [id, hook] : hooks_) {
      if (hook->dirty && !hook->fanning_out && hook->queue.size() < options_.max_queued) {
        hook->fanning_out = true;
        Spawn(FanOut(hook));
      }
      StartDeliveries(hook);
      // A webhook at its limit of POSTs starts the next one when one ends: no need to wake for it.
      if (hook->queue.in_flight() >= ConcurrencyOf(*hook)) continue;
      if (std::optional<TimePoint> due = hook->queue.NextDue()) {
        wait = std::min(wait, std::max(Duration(1), std::chrono::duration_cast<Duration>(*due - now)));
      }
    }
    if (wake_pending_) {
      wake_pending_ = false;
      continue;
    }
    wake_timer_.expires_after(wait);
    boost::system::error_code ec;
    co_await wake_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    wake_pending_ = false;
  }
}

std::shared_ptr<Dispatcher::Hook> Dispatcher::LoadHook(const core::Webhook& webhook) {
  Result<WebhookUrl> url = ParseWebhookUrl(webhook.url);
  if (!url.ok()) {
    Log()->error("webhook {} has a stored URL that does not parse; skipped", webhook.id);
    return nullptr;
  }
  Result<std::string> secret = secrets_.Open(webhook.sealed_secret);
  if (!secret.ok()) {
    Log()->error("webhook {}: its secret cannot be opened with this data directory's key; skipped", webhook.id);
    return nullptr;
  }
  auto hook = std::make_shared<Hook>();
  hook->config = webhook;
  hook->url = std::move(*url);
  hook->secret = std::move(*secret);
  hook->cursor = webhook.cursor;
  hook->failing_since = webhook.failing_since;
  // What was queued before: the outbox, in event order (each message's deliveries in its order).
  for (int64_t after = 0;;) {
    auto page = store_.ListWebhookDeliveries(webhook.id, after, kOutboxPage);
    if (!page.ok()) {
      Log()->error("webhook {}: cannot read its waiting deliveries: {}", webhook.id, page.status().ToString());
      return nullptr;
    }
    const TimePoint now = clock_.Now();
    for (storage::WebhookDelivery& d : *page) {
      after = d.event_id;
      // Never tried yet: due now, whatever time it was queued at. After a restart the clock may be
      // behind the one that queued it (a stepped clock), and a fresh delivery must not wait for it.
      if (d.attempts == 0) d.next_attempt_at = std::min(d.next_attempt_at, now);
      hook->queue.Add(std::move(d));
    }
    if (page->size() < static_cast<size_t>(kOutboxPage)) break;
  }
  return hook;
}

void Dispatcher::ReloadHooks() {
  auto all = store_.ListAllWebhooks();
  if (!all.ok()) {
    Log()->error("cannot read the webhooks: {}", all.status().ToString());
    reload_ = true;  // try again at the next round
    return;
  }
  std::map<std::string, std::shared_ptr<Hook>> next;
  for (const core::Webhook& webhook : *all) {
    if (!webhook.enabled) continue;
    auto it = hooks_.find(webhook.id);
    if (it != hooks_.end() && it->second->disabling) {  // stays as it is until its disabling is recorded
      next.emplace(webhook.id, it->second);
      continue;
    }
    if (it != hooks_.end() && !it->second->stale) {
      // Still enabled: its queue and cursor stay; what its owner may change is taken over.
      std::shared_ptr<Hook> hook = it->second;
      if (webhook.url != hook->config.url || webhook.sealed_secret != hook->config.sealed_secret) {
        Result<WebhookUrl> url = ParseWebhookUrl(webhook.url);
        Result<std::string> secret = secrets_.Open(webhook.sealed_secret);
        if (url.ok() && secret.ok()) {
          hook->url = std::move(*url);
          hook->secret = std::move(*secret);
        } else {
          Log()->error("webhook {}: its new URL or secret cannot be used; keeping the old ones", webhook.id);
        }
      }
      const int64_t cursor = hook->cursor;
      hook->config = webhook;
      hook->cursor = std::max(cursor, webhook.cursor);
      next.emplace(webhook.id, std::move(hook));
      continue;
    }
    if (std::shared_ptr<Hook> hook = LoadHook(webhook)) {
      Log()->info("webhook {} of account {}: {} deliveries waiting", webhook.id, webhook.account_id, hook->queue.size());
      next.emplace(webhook.id, std::move(hook));
    }
  }
  for (auto& [id, hook] : hooks_) {
    if (next.contains(id) && next.at(id) == hook) continue;
    hook->removed = true;
    hook->queue.Clear();
  }
  hooks_ = std::move(next);
}

void Dispatcher::PollEvents() {
  auto last = store_.LastEventId();
  if (!last.ok()) {
    Log()->error("cannot read the newest event id: {}", last.status().ToString());
    return;
  }
  if (seen_event_id_ < 0) {  // the first poll: every webhook looks from its cursor
    seen_event_id_ = *last;
    return;
  }
  if (*last <= seen_event_id_) return;
  auto accounts = store_.AccountsWithEvents(seen_event_id_, *last);
  if (!accounts.ok()) {
    Log()->error("cannot read which accounts have new events: {}", accounts.status().ToString());
    return;
  }
  seen_event_id_ = *last;
  for (auto& [id, hook] : hooks_) {
    if (std::find(accounts->begin(), accounts->end(), hook->config.account_id) != accounts->end()) hook->dirty = true;
  }
}

asio::awaitable<void> Dispatcher::FanOut(std::shared_ptr<Hook> hook) {
  // Cleared before reading: a poll that marks it again meanwhile is not lost.
  hook->dirty = false;
  auto events = store_.ListEventsAfter(hook->config.account_id, hook->cursor, options_.fan_out_batch);
  if (!events.ok()) {
    Log()->error("webhook {}: cannot read new events: {}", hook->config.id, events.status().ToString());
    hook->dirty = true;
    hook->fanning_out = false;
    co_return;
  }
  if (events->empty()) {
    hook->fanning_out = false;
    co_return;
  }
  const TimePoint now = clock_.Now();
  storage::WebhookFanOut fan_out{hook->config.id, hook->cursor, events->back().id, {}};
  for (const storage::WebhookEvent& event : *events) {
    if (!hook->config.events.Matches(event.type)) continue;
    fan_out.deliveries.push_back(
        {hook->config.id, event.id, event.message_id, event.type, EventPayload(event), 0, std::nullopt, now});
  }
  const bool full = events->size() == static_cast<size_t>(options_.fan_out_batch);
  std::vector<storage::WebhookDelivery> deliveries = fan_out.deliveries;
  const int64_t to = fan_out.to;
  Status written = co_await AwaitCallback<Status>(
      [&](auto done) { store_.QueueWebhookDeliveries(std::move(fan_out), std::move(done)); });
  hook->fanning_out = false;
  if (!written.ok()) {
    if (written.code() == Code::kFailedPrecondition || written.code() == Code::kNotFound) {
      hook->stale = true;  // disabled, deleted or moved meanwhile: read it again, outbox and all
      reload_ = true;
    } else {
      Log()->error("webhook {}: cannot queue deliveries: {}", hook->config.id, written.ToString());
      hook->dirty = true;
    }
    Wake();
    co_return;
  }
  if (hook->removed) co_return;
  hook->cursor = to;
  for (storage::WebhookDelivery& d : deliveries) hook->queue.Add(std::move(d));
  if (full) {
    hook->dirty = true;
    Wake();
  }
  StartDeliveries(hook);
}

size_t Dispatcher::ConcurrencyOf(const Hook& hook) const {
  // A failing receiver is probed with one POST at a time until it answers again.
  return hook.failing_since ? 1 : static_cast<size_t>(std::max(options_.concurrency, 1));
}

void Dispatcher::StartDeliveries(const std::shared_ptr<Hook>& hook) {
  if (stopping_ || hook->removed || hook->disabling) return;
  const size_t limit = ConcurrencyOf(*hook);
  const TimePoint now = clock_.Now();
  while (hook->queue.in_flight() < limit) {
    std::optional<storage::WebhookDelivery> delivery = hook->queue.Take(now);
    if (!delivery) break;
    Spawn(Deliver(hook, std::move(*delivery)));
  }
}

asio::awaitable<void> Dispatcher::Deliver(std::shared_ptr<Hook> hook, storage::WebhookDelivery delivery) {
  const TimePoint at = clock_.Now();
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, std::string>> headers = {
      {std::string(kSignatureHeader), SignatureValue(hook->secret, UnixSeconds(at), delivery.payload)},
      {"Herald-Event-Id", "evt_" + std::to_string(delivery.event_id)},
  };
  PostResult result = co_await http_.Post(hook->url, std::move(headers), delivery.payload);
  if (stopping_) co_return;  // abandoned: the outbox keeps it for the next start

  storage::WebhookAttempt attempt;
  attempt.webhook_id = hook->config.id;
  attempt.event_id = delivery.event_id;
  attempt.event_type = delivery.event_type;
  attempt.message_id = delivery.message_id;
  attempt.attempt = delivery.attempts + 1;
  attempt.at = at;
  attempt.duration = std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started);
  attempt.http_status = result.status;
  if (result.delivered()) {
    attempt.outcome = storage::WebhookAttemptOutcome::kDelivered;
  } else {
    attempt.error = result.status != 0 ? "HTTP " + std::to_string(result.status) : result.error;
    attempt.first_attempt_at = delivery.first_attempt_at.value_or(at);
    attempt.next_attempt_at = NextRetryAt(options_.retry, attempt.attempt, *attempt.first_attempt_at, clock_.Now());
    attempt.outcome = attempt.next_attempt_at ? storage::WebhookAttemptOutcome::kRetrying
                                              : storage::WebhookAttemptOutcome::kGaveUp;
  }
  Finished(hook, delivery, std::move(attempt));
}

void Dispatcher::Finished(const std::shared_ptr<Hook>& hook, const storage::WebhookDelivery& delivery,
                          storage::WebhookAttempt attempt) {
  ++stats_.attempts;
  std::optional<storage::WebhookDelivery> retry;
  switch (attempt.outcome) {
    case storage::WebhookAttemptOutcome::kDelivered:
      ++stats_.delivered;
      hook->failing_since.reset();
      Log()->debug("webhook {}: delivered event {} of message {} (attempt {})", hook->config.id, attempt.event_id,
                   attempt.message_id, attempt.attempt);
      break;
    case storage::WebhookAttemptOutcome::kRetrying:
      retry = delivery;
      retry->attempts = attempt.attempt;
      retry->first_attempt_at = attempt.first_attempt_at;
      retry->next_attempt_at = *attempt.next_attempt_at;
      Log()->info("webhook {}: event {} of message {} not delivered (attempt {}: {}); next attempt at {}",
                  hook->config.id, attempt.event_id, attempt.message_id, attempt.attempt, attempt.error,
                  FormatRfc3339(*attempt.next_attempt_at));
      break;
    case storage::WebhookAttemptOutcome::kGaveUp:
      ++stats_.gave_up;
      Log()->warn("webhook {}: gave up event {} of message {} after {} attempts (last: {})", hook->config.id,
                  attempt.event_id, attempt.message_id, attempt.attempt, attempt.error);
      break;
  }
  const bool failed = attempt.outcome != storage::WebhookAttemptOutcome::kDelivered;
  if (failed && !hook->failing_since) hook->failing_since = attempt.at;
  const TimePoint now = clock_.Now();
  Record(std::move(attempt));
  if (hook->removed) return;
  hook->queue.Finish(delivery.message_id, std::move(retry));
  if (failed && hook->failing_since && now - *hook->failing_since >= options_.disable_after) {
    Disable(hook, now);
    return;
  }
  StartDeliveries(hook);
  if (failed) Wake();  // the retry's due time may be the earliest now
}

void Dispatcher::Disable(const std::shared_ptr<Hook>& hook, TimePoint now) {
  if (hook->disabling) return;
  hook->disabling = true;
  ++stats_.disabled;
  const TimePoint since = *hook->failing_since;
  Log()->warn("webhook {} of account {}: disabled, no successful delivery since {}", hook->config.id,
              hook->config.account_id, FormatRfc3339(since));
  core::AccountEvent event{hook->config.account_id, std::string(core::kWebhookDisabledEvent), hook->config.id, now,
                           {{"url", hook->config.url},
                            {"failing_since", FormatRfc3339(since)},
                            {"reason", "no successful delivery for " + FormatDuration(options_.disable_after)}}};
  // The attempts logged so far go first, so the store has seen the failure this is conditional on.
  FlushRecords(/*even_if_busy=*/true);
  ++record_writes_;
  store_.DisableWebhook(hook->config.id, since, std::move(event), [this, hook](Status s) {
    asio::post(io_, [this, hook, s = std::move(s)] {
      --record_writes_;
      if (!s.ok()) {
        if (s.code() != Code::kFailedPrecondition && s.code() != Code::kNotFound)
          Log()->error("webhook {}: cannot record that it is disabled: {}", hook->config.id, s.ToString());
        hook->disabling = false;  // changed meanwhile (or not written): it is read again as the store has it
        hook->stale = true;
      }
      reload_ = true;  // disabled: it leaves the enabled webhooks
      Wake();
      MaybeStopped();
    });
  });
}

void Dispatcher::Record(storage::WebhookAttempt attempt) {
  pending_records_.push_back(std::move(attempt));
  FlushRecords();
}

void Dispatcher::FlushRecords(bool even_if_busy) {
  if (pending_records_.empty() || (record_writes_ > 0 && !even_if_busy)) return;
  ++record_writes_;
  std::vector<storage::WebhookAttempt> batch = std::move(pending_records_);
  pending_records_.clear();
  store_.RecordWebhookAttempts(std::move(batch), [this](Status s) {
    asio::post(io_, [this, s = std::move(s)] {
      --record_writes_;
      // Not recorded: the deliveries stay in the outbox as they were and are made again after a restart.
      if (!s.ok()) Log()->error("cannot record webhook attempts: {}", s.ToString());
      FlushRecords();
      MaybeStopped();
    });
  });
}

asio::awaitable<void> Dispatcher::Prune() {
  const TimePoint before = clock_.Now() - options_.log_retention;
  int total = 0;
  while (!stopping_) {
    Result<int> deleted = co_await AwaitCallback<Result<int>>(
        [&](auto done) { store_.PruneWebhookAttempts(before, kPruneBatch, std::move(done)); });
    if (!deleted.ok()) {
      Log()->error("cannot prune the webhook delivery log: {}", deleted.status().ToString());
      break;
    }
    total += *deleted;
    if (*deleted < kPruneBatch) break;
  }
  if (total > 0) Log()->info("deleted {} webhook delivery log entries older than {}", total, FormatRfc3339(before));
}

}  // namespace herald::webhooks
