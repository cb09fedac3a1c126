#include "delivery/dispatcher.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/await_callback.h"
#include "base/log.h"
#include "base/time_format.h"

namespace herald::delivery {
namespace asio = boost::asio;
namespace {

constexpr size_t kTakeAtOnce = 4096;
constexpr Duration kLongestSleep{60'000};
constexpr Duration kReloadRetry{30'000};
constexpr std::chrono::seconds kRecordRetry{1};

nlohmann::json AttemptDetails(int attempt, const AttemptResult& result) {
  nlohmann::json details = {{"attempt", attempt}};
  if (result.reply.code != 0 || !result.reply.text.empty()) details["remote"] = result.reply.ToJson();
  return details;
}

}  // namespace

Dispatcher::Dispatcher(asio::io_context& io, storage::Store& store, queue::ScheduledQueue& queue,
                       Transport& transport, const Clock& clock, DispatcherOptions options)
    : io_(io),
      store_(store),
      queue_(queue),
      transport_(transport),
      clock_(clock),
      options_(std::move(options)),
      wake_timer_(io) {}

void Dispatcher::Start() {
  queue_.SetWakeup([this] { asio::post(io_, [this] { Wake(); }); });
  asio::co_spawn(io_, Run(), asio::detached);
}

void Dispatcher::Stop(std::function<void()> done) {
  stopping_ = true;
  stopped_ = std::move(done);
  queue_.SetWakeup(nullptr);
  Wake();
}

void Dispatcher::Wake() { wake_timer_.cancel(); }

asio::awaitable<void> Dispatcher::Run() {
  auto log = Logger("delivery");
  while (!stopping_) {
    TimePoint now = clock_.Now();
    for (queue::QueuedMessage& due : queue_.TakeDue(now, kTakeAtOnce)) ready_.Push(options_.site, std::move(due));
    while (in_flight_ < options_.concurrency) {
      auto next = ready_.Pop();
      if (!next) break;
      ++in_flight_;
      asio::co_spawn(io_, Attempt(std::move(*next)), asio::detached);
    }

    // Sleep until the next message is due; with every slot busy, until an attempt ends (it wakes us).
    Duration sleep = kLongestSleep;
    if (ready_.size() == 0) {
      if (auto due = queue_.NextDue()) {
        sleep = std::clamp(std::chrono::duration_cast<Duration>(*due - now), Duration(0), kLongestSleep);
      }
    }
    if (sleep.count() == 0) {
      co_await asio::post(io_, asio::use_awaitable);  // let other coroutines run, then take more
      continue;
    }
    wake_timer_.expires_after(sleep);
    boost::system::error_code ec;
    co_await wake_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  // Stopping: wait for the attempts in flight to record their outcomes.
  while (in_flight_ > 0) {
    wake_timer_.expires_after(kLongestSleep);
    boost::system::error_code ec;
    co_await wake_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  co_await transport_.Close();
  log->info("delivery stopped; {} messages wait in the queue for the next start", queue_.size() + ready_.size());
  if (stopped_) stopped_();
}

asio::awaitable<void> Dispatcher::Attempt(queue::QueuedMessage message) {
  TimePoint started = clock_.Now();
  storage::DeliveryItem item;
  if (transport_.NeedsContent()) {
    auto loaded = store_.LoadForDelivery(message.id);
    if (!loaded.ok()) {
      if (loaded.status().code() != Code::kNotFound) {
        Logger("delivery")->error("{}: cannot load for delivery: {}", message.id, loaded.status().ToString());
        message.due = started + kReloadRetry;
        queue_.Schedule(std::move(message));
      }
      --in_flight_;
      Wake();
      co_return;
    }
    item = std::move(*loaded);
  } else {
    item.record.id = message.id;
  }

  AttemptResult result = co_await transport_.Attempt(item);
  co_await Record(RecordOf(message, result, started, clock_.Now()), message.created_at);
  --in_flight_;
  Wake();
}

storage::AttemptRecord Dispatcher::RecordOf(const queue::QueuedMessage& message, const AttemptResult& result,
                                           TimePoint started, TimePoint now) const {
  storage::AttemptRecord record;
  record.message_id = message.id;
  record.attempts = message.attempts + 1;
  if (message.attempts == 0) record.events.push_back({core::EventType::kSent, started, nlohmann::json::object()});
  nlohmann::json details = AttemptDetails(record.attempts, result);

  switch (result.outcome) {
    case Outcome::kDelivered:
      record.status = core::MessageStatus::kDelivered;
      record.captured = transport_.Captures();
      record.events.push_back({core::EventType::kDelivered, now, std::move(details)});
      break;
    case Outcome::kTemporaryFailure:
      if (auto next = queue::NextAttemptAt(options_.retry, record.attempts, message.created_at, now)) {
        record.status = core::MessageStatus::kDeferred;
        record.next_attempt_at = *next;
        details["next_attempt_at"] = FormatRfc3339(*next);
        record.events.push_back({core::EventType::kDeferred, now, std::move(details)});
      } else {
        record.status = core::MessageStatus::kFailed;
        details["reason"] = "expired";
        record.events.push_back({core::EventType::kFailed, now, std::move(details)});
      }
      break;
    case Outcome::kPermanentFailure:
      record.status = core::MessageStatus::kFailed;
      details["reason"] = "rejected";
      record.events.push_back({core::EventType::kFailed, now, std::move(details)});
      break;
  }
  return record;
}

asio::awaitable<void> Dispatcher::Record(storage::AttemptRecord record, TimePoint created_at) {
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
    queue_.Schedule({record.message_id, *record.next_attempt_at, record.attempts, created_at});
  }
}

}  // namespace herald::delivery
