#include "delivery/dispatcher.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/await_callback.h"
#include "base/log.h"
#include "delivery/attempt_outcome.h"

namespace herald::delivery {
namespace asio = boost::asio;
namespace {

constexpr size_t kTakeAtOnce = 4096;
constexpr Duration kLongestSleep{60'000};
// While messages flow, the dispatcher looks at its queue this often on its own, so that a message
// scheduled meanwhile need not wake its thread from another (Poke).
constexpr Duration kLookAgainWhileBusy{2};
constexpr Duration kReloadRetry{30'000};
constexpr std::chrono::seconds kRecordRetry{1};

}  // namespace

Dispatcher::Dispatcher(asio::io_context& io, storage::Store& store, queue::ScheduledQueue& queue,
                       Transport& transport, const Clock& clock, DispatcherOptions options, MxRouter* router)
    : io_(io),
      store_(store),
      queue_(queue),
      transport_(transport),
      clock_(clock),
      options_(std::move(options)),
      router_(router),
      fixed_route_(std::make_shared<const Route>(Route{options_.site, {}, std::nullopt})),
      limiter_(static_cast<size_t>(std::max(options_.concurrency, 1)),
               static_cast<size_t>(std::max(options_.site_concurrency, 1))),
      rates_(clock, shaping::Rate{}),
      wake_timer_(io) {}

void Dispatcher::Start() {
  queue_.SetWakeup([this] { Poke(); });
  asio::co_spawn(io_, Run(), asio::detached);
}

void Dispatcher::Stop(std::function<void()> done) {
  stopping_ = true;
  stopped_ = std::move(done);
  queue_.SetWakeup(nullptr);
  Wake();
}

void Dispatcher::Wake() { wake_timer_.cancel(); }

void Dispatcher::Poke() {
  // The writer thread schedules a message at every commit, and each post would wake this thread's
  // epoll. None is needed when Run looks at the queue within kLookAgainWhileBusy anyway: Run publishes
  // when it will before it reads the queue one last time, so either it sees what was scheduled before
  // this Poke, or this Poke sees the later time and posts.
  const auto soon = std::chrono::steady_clock::now() + kLookAgainWhileBusy;
  if (looks_by_.load() <= soon.time_since_epoch().count()) return;
  asio::post(io_, [this] { Wake(); });
}

Duration Dispatcher::SleepForQueue(TimePoint now) const {
  if (waiting() >= kMaxWaiting) return kLongestSleep;  // until a lookup or an attempt ends: each wakes us
  std::optional<TimePoint> due = queue_.NextDue();
  if (!due) return kLongestSleep;
  return std::clamp(std::chrono::duration_cast<Duration>(*due - now), Duration(0), kLongestSleep);
}

asio::awaitable<void> Dispatcher::Run() {
  auto log = Logger("delivery");
  while (!stopping_) {
    const auto tick_started = std::chrono::steady_clock::now();
    const TimePoint now = clock_.Now();
    bool more_due = false;
    bool took = false;
    if (waiting() < kMaxWaiting) {
      std::vector<queue::QueuedMessage> due = queue_.TakeDue(now, kTakeAtOnce);
      more_due = due.size() == kTakeAtOnce;
      took = !due.empty();
      for (queue::QueuedMessage& message : due) RouteMessage(std::move(message));
    }
    UnparkRateWaiters();
    StartAttempts();
    CountTick(std::chrono::steady_clock::now() - tick_started);

    // Sleep until the next message is due, and while messages flow no longer than kLookAgainWhileBusy.
    Duration sleep = more_due ? Duration(0) : SleepForQueue(now);
    if (took) sleep = std::min(sleep, kLookAgainWhileBusy);
    if (!rate_waiters_.empty()) {
      const auto until = rate_waiters_.begin()->first - std::chrono::steady_clock::now();
      sleep = std::clamp(std::chrono::duration_cast<Duration>(until), Duration(1), sleep);
    }
    if (sleep.count() > 0) {
      // Published before the queue is read once more: see Poke.
      looks_by_.store((std::chrono::steady_clock::now() + sleep).time_since_epoch().count());
      sleep = std::min(sleep, SleepForQueue(clock_.Now()));
    }
    if (sleep.count() == 0) {
      looks_by_.store(kNever);
      co_await asio::post(io_, asio::use_awaitable);  // let other coroutines run, then take more
      continue;
    }
    wake_timer_.expires_after(sleep);
    boost::system::error_code ec;
    co_await wake_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  // Stopping: wait for the lookups and attempts in flight; attempts record their outcomes.
  while (busy_ > 0) {
    wake_timer_.expires_after(kLongestSleep);
    boost::system::error_code ec;
    co_await wake_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  CloseAdmin();
  co_await transport_.Close();
  log->info("delivery stopped; {} messages wait in the queue for the next start", queue_.size() + waiting());
  if (stopped_) stopped_();
}

void Dispatcher::RouteMessage(queue::QueuedMessage message) {
  if (router_ == nullptr) {
    std::string key = ReadyKey(message.pool, options_.site);  // before the message is moved from
    ready_.Push(key, {std::move(message), fixed_route_});
    return;
  }
  auto [entry, first] = routing_.try_emplace(message.domain);
  entry->second.push_back(std::move(message));
  ++routing_count_;
  if (first) {  // one lookup for every message of the domain that comes meanwhile
    ++busy_;
    asio::co_spawn(io_, Resolve(entry->first), asio::detached);
  }
}

asio::awaitable<void> Dispatcher::Resolve(std::string domain) {
  auto route = std::make_shared<const Route>(co_await router_->RouteFor(domain));
  auto waiting = routing_.extract(domain);
  routing_count_ -= waiting.mapped().size();
  NoteRoute(domain, route->site);
  Logger("delivery")->debug("{}: {} messages to site {}", domain, waiting.mapped().size(), route->site);
  // When stopping, the messages simply stay stored for the next start.
  if (!stopping_) {
    for (queue::QueuedMessage& message : waiting.mapped()) {
      std::string key = ReadyKey(message.pool, route->site);  // before the message is moved from
      ready_.Push(key, {std::move(message), route});
    }
  }
  --busy_;
  Wake();
}

void Dispatcher::StartAttempts() {
  const size_t total = static_cast<size_t>(std::max(options_.concurrency, 1));
  auto may_serve = [this](const std::string& key) { return MayServe(key); };
  while (!stopping_ && limiter_.InUse() < total) {
    auto next = ready_.Pop(may_serve);
    if (!next) break;
    std::string site = SiteOfKey(next->site);
    // Only this executor takes slots, so the free slot MayServe saw is still free.
    std::optional<shaping::ConcurrencyLimiter::Lease> lease = limiter_.TryAcquire(site);
    in_flight_.emplace(next->item.message.id, site);
    ++busy_;
    asio::co_spawn(io_, Attempt(std::move(next->item), std::move(site), std::move(*lease)), asio::detached);
  }
}

asio::awaitable<void> Dispatcher::Attempt(ReadyMessage ready, std::string site,
                                          shaping::ConcurrencyLimiter::Lease lease) {
  const TimePoint started = clock_.Now();
  if (std::optional<AttemptResult> result = co_await Try(ready.message, *ready.route, started)) {
    const OutcomePolicy policy{options_.retry, transport_.Captures(), transport_.RefusalsAreBounces()};
    co_await Record(AttemptOutcome(ready.message, *result, started, clock_.Now(), policy), ready.message);
  }
  in_flight_.erase(ready.message.id);
  lease.Release();
  UnparkSlotWaiters(site);
  --busy_;
  Wake();
}

std::string Dispatcher::ReadyKey(const std::string& pool, const std::string& site) {
  return pool + "|" + site;
}

std::string Dispatcher::SiteOfKey(const std::string& key) { return key.substr(key.find('|') + 1); }

bool Dispatcher::MayServe(const std::string& key) {
  const size_t bar = key.find('|');
  const std::string site = key.substr(bar + 1);
  if (!limiter_.HasFreeSlot(site)) {
    slot_waiters_[site].push_back(key);
    return false;
  }
  // Both limits must allow before either is taken from.
  const std::string site_key = "site:" + site;
  const std::string pool_key = "pool:" + key.substr(0, bar);
  const shaping::Rate* pool_rate = nullptr;
  if (auto it = options_.pool_rates.find(key.substr(0, bar)); it != options_.pool_rates.end())
    pool_rate = &it->second;
  Duration wait{0};
  if (options_.site_rate) wait = std::max(wait, rates_.Check(site_key, *options_.site_rate).retry_after);
  if (pool_rate) wait = std::max(wait, rates_.Check(pool_key, *pool_rate).retry_after);
  if (wait.count() > 0) {
    rate_waiters_.emplace(std::chrono::steady_clock::now() + wait, key);
    return false;
  }
  if (options_.site_rate) rates_.TryAcquire(site_key, *options_.site_rate);
  if (pool_rate) rates_.TryAcquire(pool_key, *pool_rate);
  return true;
}

void Dispatcher::UnparkRateWaiters() {
  const auto now = std::chrono::steady_clock::now();
  while (!rate_waiters_.empty() && rate_waiters_.begin()->first <= now) {
    ready_.Unpark(rate_waiters_.begin()->second);
    rate_waiters_.erase(rate_waiters_.begin());
  }
}

void Dispatcher::UnparkSlotWaiters(const std::string& site) {
  auto waiters = slot_waiters_.extract(site);
  if (waiters.empty()) return;
  for (const std::string& key : waiters.mapped()) ready_.Unpark(key);
}

asio::awaitable<std::optional<AttemptResult>> Dispatcher::Try(const queue::QueuedMessage& message,
                                                              const Route& route, TimePoint started) {
  // When the store cannot answer, the message waits a little and comes back; one that is gone is dropped.
  auto retry_later = [&](const Status& status, std::string_view what) {
    if (status.code() == Code::kNotFound) return;  // gone (its account erased)
    Logger("delivery")->error("{}: cannot {}: {}", message.id, what, status.ToString());
    queue::QueuedMessage again = message;
    again.due = started + kReloadRetry;
    queue_.Schedule(std::move(again));
  };
  // The list may have changed since the message was queued; it is asked again before every attempt.
  Result<std::optional<core::Suppression>> suppressed = store_.FindRecipientSuppression(message.id);
  if (!suppressed.ok()) {
    retry_later(suppressed.status(), "read the suppression list");
    co_return std::nullopt;
  }
  if (*suppressed) {
    Logger("delivery")
        ->info("{}: not sent: its recipient was suppressed ({})", message.id, (*suppressed)->reason);
    co_await Record(SuppressedOutcome(message, **suppressed, clock_.Now()), message);
    co_return std::nullopt;
  }
  if (route.verdict) {
    Logger("delivery")
        ->debug("{}: decided without trying: {} {}", message.id, route.verdict->reply.enhanced_code,
                route.verdict->reply.text);
    co_return *route.verdict;
  }
  storage::DeliveryItem item;
  if (transport_.NeedsContent()) {
    auto loaded = store_.LoadForDelivery(message.id);
    if (!loaded.ok()) {
      retry_later(loaded.status(), "load for delivery");
      co_return std::nullopt;
    }
    item = std::move(*loaded);
  } else {
    item.record.id = message.id;
  }
  co_return co_await transport_.Attempt(item, route);
}

asio::awaitable<void> Dispatcher::Record(storage::AttemptRecord record, const queue::QueuedMessage& message) {
  auto log = Logger("delivery");
  core::MessageStatus status = record.status;
  while (true) {
    Status s = co_await AwaitCallback<Status>([&](auto done) { store_.RecordAttempt(record, done); });
    if (s.ok() || s.code() == Code::kNotFound) break;
    // The attempt happened; retrying the record (not the attempt) keeps the message from being sent twice.
    log->error("{}: cannot record the attempt, retrying: {}", record.message_id, s.ToString());
    asio::steady_timer pause(io_, kRecordRetry);
    boost::system::error_code ec;
    co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  log->debug("{}: {} after attempt {}", record.message_id, core::ToString(status), record.attempts);
  if (status == core::MessageStatus::kDeferred) {
    queue_.Schedule({record.message_id, *record.next_attempt_at, record.attempts, message.created_at,
                     message.domain, message.pool});
  }
}

}  // namespace herald::delivery
